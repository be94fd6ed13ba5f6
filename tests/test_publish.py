"""Publishing: private feeds and pages read as podcast apps and browsers read them, and a site that keeps still."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID, uuid5

import feedparser
import podcastparser
import pytest
from isolation import program_settings
from PIL import Image

from guide.publish.feed import podcast_guid
from guide.publish.lock import site_lock

CLIENTS = (
    "- client: ana-rivera\n  variables: {name: Ana}\n"
    "- client: cy-okafor\n  variables: {name: Cy}\n  voice: {rate: 100}\n"
)
BASE_URL = "https://example.org/sessions"
SESSION = "sit-with-your-younger-self"
AUTHOR, CONTACT = "Harbor Practice", "care@harbor.example"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A folder with SESSION published once to two clients (`site`, its manifest beside it), their clients file,
    and the clip cache it was made with (`cache`): what each test's `site` is a copy of."""
    made = tmp_path_factory.mktemp("published")
    (made / "clients.yaml").write_text(CLIENTS)
    settings = {**os.environ, **program_settings(made / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "guide", "publish", SESSION, "--clients", "clients.yaml", "--site", "site"]
        + ["--base-url", BASE_URL, "--author", AUTHOR, "--contact", CONTACT],
        cwd=made,
        env={name: value for name, value in settings.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return made


@pytest.fixture
def site(published, clip_cache, tmp_path) -> tuple[Path, Path]:
    """A site of the test's own with SESSION published to two clients, and its clients file; the clips it was
    made from are in the test's cache, as if it had just been published there."""
    shutil.copytree(published / "cache", clip_cache, dirs_exist_ok=True)
    for made in ("site", "site.manifest.json", "site.renders.json", "clients.yaml"):
        copy = shutil.copytree if (published / made).is_dir() else shutil.copy2
        copy(published / made, tmp_path / made)
    return tmp_path / "site", tmp_path / "clients.yaml"


def feeds(folder: Path) -> dict[str, Path]:
    manifest = json.loads(folder.with_name(folder.name + ".manifest.json").read_text())
    return {client: folder / entry["token"] for client, entry in manifest["clients"].items()}


def test_each_client_has_a_folder_named_by_a_token_and_no_path_names_anyone(site):
    folder, _ = site
    tokens = feeds(folder)
    assert set(tokens) == {"ana-rivera", "cy-okafor"}
    for place in tokens.values():
        assert len(place.name) >= 22, "at least 128 bits, in URL-safe base64"
        assert {p.name for p in place.iterdir()} == {
            f"{SESSION}.mp3",
            f"{SESSION}.chapters.json",
            f"{SESSION}.vtt",
            "feed.xml",
            "index.html",
            "artwork.jpg",
        }, "the files a client is sent, and no bookkeeping"
    every_path = [str(p.relative_to(folder)) for p in folder.rglob("*")]
    assert not any(name in path for path in every_path for name in tokens)
    root = [".inner-guide-site", "index.html", "robots.txt", *(t.name for t in tokens.values())]
    assert sorted(p.name for p in folder.iterdir()) == sorted(root)
    for page in (".inner-guide-site", "index.html", "robots.txt"):
        text = (folder / page).read_text()
        assert not any(name in text or place.name in text for name, place in tokens.items()), "the root lists no one"
    assert (folder / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    manifest = folder.with_name("site.manifest.json")
    assert stat.S_IMODE(manifest.stat().st_mode) == 0o600


def test_every_feed_reads_in_feedparser_and_podcastparser_as_the_files_are(site):
    folder, _ = site
    for client, place in feeds(folder).items():
        feed_url = f"{BASE_URL}/{place.name}/feed.xml"
        audio = place / f"{SESSION}.mp3"
        parsed = feedparser.parse((place / "feed.xml").read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.title == "Your sessions" and client not in parsed.feed.title
        assert parsed.feed.itunes_block == 1
        [entry] = parsed.entries
        [enclosure] = entry.enclosures
        revision = hashlib.sha256(audio.read_bytes()).hexdigest()[:12]
        assert enclosure.href == f"{BASE_URL}/{place.name}/{audio.name}?v={revision}"
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == audio.stat().st_size
        assert entry.podcast_chapters["type"] == "application/json+chapters"
        assert entry.podcast_transcript["type"] == "text/vtt"
        assert "you can open your eyes, pause or stop at any time" in entry.summary
        gpodder = podcastparser.parse(feed_url, (place / "feed.xml").open("rb"))
        [episode] = gpodder["episodes"]
        assert episode["guid"] == entry.id and episode["enclosures"][0]["file_size"] == audio.stat().st_size
        assert episode["total_time"] == pytest.approx(float(_probe(audio)["format"]["duration"]), abs=1.5)
        channel = ElementTree.parse(place / "feed.xml").getroot().find("channel")
        podcast = "{https://podcastindex.org/namespace/1.0}"
        assert channel.find(f"{podcast}block").text == "yes" and channel.find(f"{podcast}locked").text == "yes"
        assert len(channel.find(f"{podcast}guid").text) == 36


def test_the_chapters_are_the_files_chapters_and_the_captions_are_the_exports(site, run_guide, tmp_path):
    folder, clients = site
    exported = tmp_path / "exported"
    result = run_guide("export", SESSION, "--clients", str(clients), "-o", str(exported), "--captions", "vtt")
    assert result.returncode == 0, result.stderr
    for client, place in feeds(folder).items():
        chapters = json.loads((place / f"{SESSION}.chapters.json").read_text())
        probed = _probe(place / f"{SESSION}.mp3")["chapters"]
        assert [c["title"] for c in chapters["chapters"]] == [c["tags"]["title"] for c in probed]
        for ours, theirs in zip(chapters["chapters"], probed, strict=True):
            assert ours["startTime"] == pytest.approx(float(theirs["start_time"]), abs=0.03)
        assert (place / f"{SESSION}.vtt").read_text() == (exported / f"{client}.vtt").read_text()


def test_another_session_adds_an_episode_and_the_same_again_changes_nothing(site, run_guide):
    folder, clients = site
    first = {client: _items(place) for client, place in feeds(folder).items()}
    args = ["--clients", str(clients), "--site", str(folder)]
    assert run_guide("publish", "letter-to-your-younger-self", *args).returncode == 0
    for client, place in feeds(folder).items():
        items = _items(place)
        assert len(items) == 2 and items[0] == first[client][0], "the earlier episode keeps its guid and date"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    again = run_guide("publish", "letter-to-your-younger-self", *args)
    assert again.returncode == 0 and "up to date" in again.stderr
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    assert after == before, "byte for byte, and no file written again"


ITUNES_NS, PODCAST_NS, ATOM_NS = (
    "{http://www.itunes.com/dtds/podcast-1.0.dtd}",
    "{https://podcastindex.org/namespace/1.0}",
    "{http://www.w3.org/2005/Atom}",
)


def apple_podcasts_problems(channel: ElementTree.Element, place: Path) -> list[str]:
    """What Apple Podcasts' requirements for a show's feed find wrong with one (podcasters.apple.com, "Podcast
    RSS feed requirements"): the tags it requires, and its artwork's size and kind; an owner, which it asks for
    only to write to, must have an email address."""
    problems = [
        f"channel has no {tag}" for tag in ("title", "description", "language", "link") if channel.find(tag) is None
    ]
    for tag in ("image", "category", "explicit", "type"):
        if channel.find(f"{ITUNES_NS}{tag}") is None:
            problems.append(f"channel has no itunes:{tag}")
    if (explicit := channel.findtext(f"{ITUNES_NS}explicit")) not in ("true", "false"):
        problems.append(f"itunes:explicit is {explicit!r}")
    if channel.findtext(f"{ITUNES_NS}type") not in ("episodic", "serial"):
        problems.append("itunes:type is neither episodic nor serial")
    owner = channel.find(f"{ITUNES_NS}owner")
    if owner is not None and not (owner.findtext(f"{ITUNES_NS}email") or "").count("@"):
        problems.append("itunes:owner has no email")
    image = channel.find(f"{ITUNES_NS}image")
    if image is not None:
        with Image.open(place / image.get("href", "").rsplit("/", 1)[-1]) as artwork:
            if artwork.format not in ("JPEG", "PNG") or artwork.mode != "RGB":
                problems.append(f"artwork is {artwork.format} {artwork.mode}, not JPEG or PNG in RGB")
            if artwork.width != artwork.height or not 1400 <= artwork.width <= 3000:
                problems.append(f"artwork is {artwork.size}, not a square of 1400 to 3000 pixels")
    for item in channel.iter("item"):
        problems += [
            f"item has no {tag}" for tag in ("title", "enclosure", "guid", "pubDate", "link") if item.find(tag) is None
        ]
        enclosure = item.find("enclosure")
        if enclosure is not None and not all(enclosure.get(key) for key in ("url", "length", "type")):
            problems.append("an enclosure lacks url, length or type")
        if item.findtext(f"{ITUNES_NS}episodeType") not in ("full", "trailer", "bonus"):
            problems.append("item's itunes:episodeType is not full, trailer or bonus")
        if not (item.findtext(f"{ITUNES_NS}duration") or "").isdigit():
            problems.append("item's itunes:duration is not whole seconds")
    return problems


def podcasting_2_0_problems(channel: ElementTree.Element, feed_url: str) -> list[str]:
    """What the Podcasting 2.0 namespace's documentation finds wrong with a feed's tags of its own."""
    problems = []
    parts = urlsplit(feed_url)
    if channel.findtext(f"{PODCAST_NS}guid") != str(uuid5(PODCAST_GUID_NS, parts.netloc + parts.path)):
        problems.append("podcast:guid is not the UUIDv5 of the feed's address")
    if channel.findtext(f"{PODCAST_NS}locked") not in ("yes", "no"):
        problems.append("podcast:locked is neither yes nor no")
    self_link = channel.find(f"{ATOM_NS}link")
    if self_link is None or self_link.get("rel") != "self" or self_link.get("href") != feed_url:
        problems.append("no atom:link rel=self with the feed's own address")
    for item in channel.iter("item"):
        for transcript in item.iter(f"{PODCAST_NS}transcript"):
            if not transcript.get("url") or not transcript.get("type"):
                problems.append("podcast:transcript lacks url or type")
            if transcript.get("type") == "text/vtt" and transcript.get("rel") != "captions":
                problems.append("a WebVTT transcript is not rel=captions")
            if not transcript.get("language"):
                problems.append("podcast:transcript has no language")
        chapters = item.find(f"{PODCAST_NS}chapters")
        if chapters is None or chapters.get("type") != "application/json+chapters":
            problems.append("podcast:chapters missing or of another type")
    return problems


PODCAST_GUID_NS = UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def test_the_podcast_guid_is_made_as_the_namespace_documents_it():
    # The namespace's own example: this feed's address gives this guid.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_every_feed_meets_apple_podcasts_and_the_podcasting_2_0_namespace(site):
    folder, _ = site
    for place in feeds(folder).values():
        channel = ElementTree.parse(place / "feed.xml").getroot().find("channel")
        feed_url = f"{BASE_URL}/{place.name}/feed.xml"
        assert apple_podcasts_problems(channel, place) == []
        assert podcasting_2_0_problems(channel, feed_url) == []
        parsed = feedparser.parse((place / "feed.xml").read_bytes())
        assert parsed.feed.author == AUTHOR and parsed.feed.publisher_detail.email == CONTACT
        assert [tag.term for tag in parsed.feed.tags] == ["Health & Fitness", "Mental Health"]
        assert parsed.feed.image.href == f"{BASE_URL}/{place.name}/artwork.jpg"
        assert parsed.entries[0].link == f"{BASE_URL}/{place.name}/index.html"


def test_text_xml_cannot_hold_is_dropped_and_the_feed_still_reads(site, run_guide):
    folder, clients = site
    result = run_guide(
        "publish", SESSION, "--clients", str(clients), "--site", str(folder), "--title", "Quiet\x07 hours"
    )
    assert result.returncode == 0, result.stderr
    for place in feeds(folder).values():
        parsed = feedparser.parse((place / "feed.xml").read_bytes())
        assert not parsed.bozo and parsed.feed.title == "Quiet hours"
        assert podcastparser.parse("x", (place / "feed.xml").open("rb"))["title"] == "Quiet hours"


def test_a_revised_episode_keeps_its_guid_at_a_new_address(site, run_guide):
    folder, clients = site

    def episodes() -> dict[str, tuple[str, str]]:
        places = feeds(folder)
        parsed = {client: feedparser.parse((place / "feed.xml").read_bytes()) for client, place in places.items()}
        return {client: (feed.entries[0].id, feed.entries[0].enclosures[0].href) for client, feed in parsed.items()}

    first = episodes()
    clients.write_text(CLIENTS.replace("{name: Cy}", "{name: Cyrus}"))
    assert run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder)).returncode == 0
    now = episodes()
    assert now["ana-rivera"] == first["ana-rivera"], "an episode not revised is as it was"
    (guid, address), (first_guid, first_address) = now["cy-okafor"], first["cy-okafor"]
    assert guid == first_guid and address != first_address, "the same episode, whose new audio apps fetch"
    assert address.split("?")[0] == first_address.split("?")[0], "from the same file"


def test_what_an_interrupted_run_left_is_taken_away_and_a_feed_not_written_is_not_listed(site, run_guide):
    folder, clients = site
    places = feeds(folder)
    leftovers = [
        places["ana-rivera"] / f".{SESSION}.mp3.0123456789abcdef.part",
        folder / ".index.html.0123456789abcdef.part",
        places["cy-okafor"] / ".inner-guide-renders.json",
    ]
    for leftover in leftovers:
        leftover.write_text("left by a run that was stopped")
    (places["cy-okafor"] / "feed.xml").unlink()  # as when a first publish stops before the feed is written
    listed = run_guide("publish", "--site", str(folder), "--list")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["ana-rivera"]
    assert run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder)).returncode == 0
    assert not any(leftover.exists() for leftover in leftovers)
    listed = run_guide("publish", "--site", str(folder), "--list")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["ana-rivera", "cy-okafor"]


def test_a_removed_client_stays_removed_until_restored_at_a_new_address(site, run_guide):
    folder, clients = site
    tokens = feeds(folder)
    listed = run_guide("publish", "--site", str(folder), "--list")
    assert [line.split() for line in listed.stdout.splitlines()] == [
        [c, f"{BASE_URL}/{tokens[c].name}/index.html", f"{BASE_URL}/{tokens[c].name}/feed.xml"] for c in sorted(tokens)
    ]
    assert len({line.index("https://") for line in listed.stdout.splitlines()}) == 1, "in aligned columns"
    as_json = json.loads(run_guide("publish", "--site", str(folder), "--list", "--json").stdout)
    assert as_json == [
        {
            "client": c,
            "page": f"{BASE_URL}/{tokens[c].name}/index.html",
            "feed": f"{BASE_URL}/{tokens[c].name}/feed.xml",
        }
        for c in sorted(tokens)
    ]
    removed = run_guide("publish", "--site", str(folder), "--remove-client", "ana-rivera")
    assert removed.returncode == 0, removed.stderr
    assert f"Delete the folder {tokens['ana-rivera'].name} from the web host too" in removed.stderr
    assert not tokens["ana-rivera"].exists() and tokens["cy-okafor"].exists()
    manifest = json.loads(folder.with_name("site.manifest.json").read_text())
    assert manifest["clients"]["ana-rivera"]["removed"] == datetime.now(UTC).date().isoformat()

    again = run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder))
    assert again.returncode == 0, again.stderr
    today = datetime.now(UTC).date().isoformat()
    notice = f"ana-rivera: removed on {today}; --restore-client ana-rivera publishes for them again, at a new address"
    assert again.stderr.count(notice) == 1
    assert not tokens["ana-rivera"].exists(), "a routine publish does not bring them back"
    listed = run_guide("publish", "--site", str(folder), "--list")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["cy-okafor"]

    assert run_guide("publish", "--site", str(folder), "--restore-client", "ana-rivera").returncode == 0
    assert run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder)).returncode == 0
    assert feeds(folder)["ana-rivera"].name != tokens["ana-rivera"].name, "a new address, the old one revoked"
    assert (feeds(folder)["ana-rivera"] / "feed.xml").exists()


@pytest.mark.parametrize("token", ["../outside", "", "."])
def test_an_edited_manifest_never_removes_anything_outside_a_clients_folder(site, run_guide, tmp_path, token):
    folder, _ = site
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the site's")
    manifest_file = folder.with_name("site.manifest.json")
    manifest = json.loads(manifest_file.read_text())
    manifest["clients"]["ana-rivera"]["token"] = token
    manifest_file.write_text(json.dumps(manifest))
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = run_guide("publish", "--site", str(folder), "--remove-client", "ana-rivera")
    assert result.returncode == 2 and "is not one this program makes" in result.stderr, result.stderr
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_one_writer_at_a_time_and_a_site_needs_a_folder_of_its_own(site, run_guide, tmp_path):
    folder, clients = site
    with site_lock(folder.with_name("site.lock")):
        busy = run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder))
        removing = run_guide("publish", "--site", str(folder), "--remove-client", "ana-rivera")
    for refused in (busy, removing):
        assert refused.returncode == 2 and "another publish or removal is running on this site" in refused.stderr
    assert set(feeds(folder)) == {"ana-rivera", "cy-okafor"} and all(p.exists() for p in feeds(folder).values())
    (tmp_path / "a-file").write_text("")
    for place, problem in ((".", "a folder of its own"), ("/", "a folder of its own"), ("a-file", "is a file")):
        refused = run_guide("publish", SESSION, "--clients", str(clients), "--site", place, "--base-url", BASE_URL)
        assert refused.returncode == 2 and problem in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"base_url": "ftp://example.org/s"}, 2, "--base-url ftp://example.org/s: give the absolute http(s) address"),
        ({"base_url": "example.org/s"}, 2, "--base-url example.org/s: give the absolute http(s) address"),
        ({"clients": "- client: ana\n  variables: {nmae: Ana}\n"}, 3, "bad-clients.yaml:2:15: client ana: nmae: "),
        ({"clients": "- client: ana\n  duration: 1s\n"}, 3, "client ana: duration: 1s is too short"),
        ({"foreign": True}, 2, "this folder holds files another program made"),
    ],
)
def test_bad_input_is_refused_and_leaves_the_site_as_it_was(site, run_guide, tmp_path, change, code, message):
    folder, clients = site
    if change.get("foreign"):
        folder = tmp_path / "someone-elses"
        folder.mkdir()
        (folder / "index.html").write_text("<p>my site</p>")
    if "clients" in change:
        clients = tmp_path / "bad-clients.yaml"
        clients.write_text(change["clients"])

    def site_files() -> dict[Path, bytes]:
        # The lock beside the site is made by the first run that writes it, and stays for the next.
        files = (p for p in folder.parent.rglob("*") if p.is_file() and "site" in str(p) and p.suffix != ".lock")
        return {p: p.read_bytes() for p in files}

    before = site_files()
    result = run_guide(
        "publish",
        SESSION,
        "--clients",
        str(clients),
        "--site",
        str(folder),
        "--base-url",
        change.get("base_url", BASE_URL),
    )
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert site_files() == before


def test_a_bad_entry_holds_back_only_itself(site, run_guide, tmp_path):
    folder, _ = site
    clients = tmp_path / "weekly.yaml"
    clients.write_text("- client: dee\n  variables: {name: Dee}\n- client: eli\n  duration: 1s\n")
    result = run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder))
    assert result.returncode == 3, result.stderr
    assert f"{clients}:4:13: client eli: duration: 1s is too short" in result.stderr
    assert "dee: published" in result.stderr and "1 of 2 entries held back" in result.stderr
    assert set(feeds(folder)) == {"ana-rivera", "cy-okafor", "dee"}, "eli has no feed, and no folder"
    assert len([place for place in folder.iterdir() if place.is_dir()]) == 3


def test_the_page_plays_in_a_real_browser_and_its_chapters_seek(site):
    folder, _ = site
    place = feeds(folder)["ana-rivera"]
    chapters = json.loads((place / f"{SESSION}.chapters.json").read_text())["chapters"]
    browser = _browser()
    try:
        browser.get((place / "index.html").as_uri())
        duration = _waited(lambda: browser.execute_script("return document.getElementById('session-1').duration"))
        assert duration == pytest.approx(chapters[-1]["endTime"], abs=1.0), "the audio loads, and knows its length"
        links = browser.find_elements("css selector", "a[data-start]")
        assert [link.text for link in links] == [c["title"] for c in chapters]
        links[3].click()
        at = browser.execute_script("return document.getElementById('session-1').currentTime")
        assert at == pytest.approx(chapters[3]["startTime"], abs=0.75)
        assert BASE_URL in browser.find_element("id", "feed").get_attribute("value")
        assert "Transcript" in browser.page_source
        browser.set_window_size(390, 844)  # a phone's screen
        width = browser.execute_script("return document.documentElement.clientWidth")
        for element in ("feed", "session-1"):
            right = browser.execute_script(f"return document.getElementById('{element}').getBoundingClientRect().right")
            assert right <= width, f"{element} runs off a 390 px screen"
    finally:
        browser.quit()


def test_the_page_names_the_practice_dates_each_session_and_says_where_urgent_help_is(site):
    folder, _ = site
    page = (feeds(folder)["ana-rivera"] / "index.html").read_text()
    assert f'<p class="practice">{AUTHOR}</p>' in page
    assert f'<a href="mailto:{CONTACT}">{CONTACT}</a>' in page
    today = datetime.now(UTC).date().isoformat()
    assert f'<time datetime="{today}">Sent {today}</time>' in page
    assert "call your local emergency number now" in page and "do not replace" in page


def _items(place: Path) -> list[tuple[str, str]]:
    return [(e.id, e.published) for e in reversed(feedparser.parse((place / "feed.xml").read_bytes()).entries)]


def _probe(path: Path) -> dict:
    command = ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def _browser():
    """Debian's chromium, headless, driven by its own chromedriver: nothing is downloaded."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = shutil.which("chromium"), shutil.which("chromedriver")
    if None in found:
        pytest.fail("the page's test needs a browser: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    # Shared memory in /tmp: a container's /dev/shm is small, and a chroot's may not be writable at all.
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(found[1]), options=options)


def _waited(value, timeout_s: float = 30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = value()
        if found and found == found:  # NaN until the audio's length is known
            return found
        time.sleep(0.1)
    raise AssertionError("the audio never loaded")


def test_a_scripts_cover_goes_with_its_feed(run_guide, write_script, tmp_path):
    from PIL import Image

    Image.new("RGB", (64, 64), "teal").save(tmp_path / "cover.png")
    script = write_script(
        "title: A Short Sit\ncover: cover.png\ncontent_note: You can stop at any time.\nvariables: {name: you}\n"
        "sections:\n  - title: One\n    steps:\n      - say: Welcome, {name}.\n      - silence: 3s\n"
        "closing:\n  - say: You are here, today.\n"
    )
    clients = tmp_path / "clients.yaml"
    clients.write_text(CLIENTS)
    folder = tmp_path / "site"
    result = run_guide("publish", str(script), "--clients", str(clients), "--site", str(folder), "--base-url", BASE_URL)
    assert result.returncode == 0, result.stderr
    for place in feeds(folder).values():
        assert (place / "cover.png").read_bytes() == (tmp_path / "cover.png").read_bytes()
        parsed = feedparser.parse((place / "feed.xml").read_bytes())
        assert parsed.feed.image.href == f"{BASE_URL}/{place.name}/cover.png"


def test_a_clients_feed_and_page_are_in_the_language_of_their_sessions(run_guide, tmp_path):
    clients = tmp_path / "clients.yaml"
    clients.write_text("- client: lucia\n  language: es\n  variables: {name: Lucía}\n- client: ben\n")
    folder = tmp_path / "site"
    result = run_guide("publish", SESSION, "--clients", str(clients), "--site", str(folder), "--base-url", BASE_URL)
    assert result.returncode == 0, result.stderr
    places = feeds(folder)
    spanish = feedparser.parse((places["lucia"] / "feed.xml").read_bytes())
    assert (spanish.feed.language, spanish.feed.description) == (
        "es",
        "Sesiones hechas solo para ti. Guarda esta dirección para ti.",
    )
    [entry] = spanish.entries
    assert entry.title == "Siéntate con tu yo más joven"
    assert spanish.feed.title == "Tus sesiones", "the feed's own title in the client's language"
    english = feedparser.parse((places["ben"] / "feed.xml").read_bytes())
    assert (english.feed.language, english.feed.title) == ("en", "Your sessions")
    browser = _browser()
    try:
        browser.get((places["lucia"] / "index.html").as_uri())
        assert browser.find_element("tag name", "html").get_attribute("lang") == "es"
        assert browser.find_element("tag name", "h1").text == "Tus sesiones"
        assert browser.find_element("tag name", "h3").text == "Partes"
        assert browser.find_element("css selector", "label[for=feed]").text == "La dirección de tu feed"
        links = [link.text for link in browser.find_elements("css selector", "a[data-start]")]
        assert links[0] == "Llegar" and links[-1] == "Cierre"
        browser.find_element("css selector", "button[data-copy]").click()
        said = _waited(lambda: browser.find_element("id", "copied").text)
        assert said == "Copiada.", "the page says it in the client's language, when the address is copied"
    finally:
        browser.quit()


def test_each_client_gets_a_printable_card_whose_code_a_phone_reads_as_their_feed(site, run_guide, tmp_path):
    import zxingcpp

    folder, _ = site
    cards = tmp_path / "cards"
    written = run_guide("publish", "--site", str(folder), "--handout", str(cards))
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in cards.iterdir()) == ["ana-rivera.html", "cy-okafor.html"]
    inside = run_guide("publish", "--site", str(folder), "--handout", str(folder / "cards"))
    assert inside.returncode == 2 and "write them outside the site" in inside.stderr
    browser = _browser()
    try:
        for client, place in feeds(folder).items():
            card = (cards / f"{client}.html").read_text()
            assert AUTHOR in card and f"{BASE_URL}/{place.name}/index.html" in card and "do not replace" in card
            browser.set_window_size(600, 900)
            browser.get((cards / f"{client}.html").as_uri())
            shot = tmp_path / f"{client}.png"
            browser.save_screenshot(str(shot))
            [code] = zxingcpp.read_barcodes(Image.open(shot))
            assert code.text == f"{BASE_URL}/{place.name}/feed.xml"
    finally:
        browser.quit()


def test_a_practices_weekly_round_reads_as_podcast_apps_read_it(run_guide, write_script, tmp_path):
    from test_clients import BREATHE, SCRIPT, SPANISH

    clients = tmp_path / "practice.yaml"
    clients.write_text(
        "- client: ana\n  variables: {name: Ana, colour: blue}\n"
        "- client: lucia\n  language: es\n  variables: {name: Lucía}\n"
        "- client: sam\n  variables: {name: Sam}\n"
        "- client: ben\n  variables: {nmae: Ben}\n"
    )
    for_you = write_script(SCRIPT, "for-you.yaml")
    write_script(SPANISH, "for-you.es.yaml")
    site = ["--clients", str(clients), "--site", str(tmp_path / "site")]
    first = run_guide("publish", "when-you-are-triggered", *site, "--base-url", BASE_URL, "--author", AUTHOR)
    assert first.returncode == 0, first.stderr  # it declares no variables: each client's are left out, saying so
    assert "Left out, as when-you-are-triggered.yaml declares no such variable: colour (ana); name (ana" in first.stderr
    assert run_guide("publish", "--site", str(tmp_path / "site"), "--remove-client", "sam").returncode == 0

    second = run_guide("publish", str(for_you), *site)
    assert second.returncode == 3, second.stderr
    assert "client ben: nmae: " in second.stderr and "did you mean name?" in second.stderr
    assert "sam: removed on" in second.stderr and "ana: published" in second.stderr
    third = run_guide("publish", str(write_script(BREATHE, "breathe.yaml")), *site)
    assert third.returncode == 3, third.stderr  # in English alone: Lucía, in Spanish, waits for its translation
    assert "client lucia: " in third.stderr and "as breathe.es.yaml" in third.stderr
    places = feeds(tmp_path / "site")
    titles = {}
    for client in ("ana", "lucia", "ben"):
        parsed = feedparser.parse((places[client] / "feed.xml").read_bytes())
        assert not parsed.bozo
        titles[client] = [entry.title for entry in parsed.entries]
        channel = ElementTree.parse(places[client] / "feed.xml").getroot().find("channel")
        assert apple_podcasts_problems(channel, places[client]) == []
        assert podcasting_2_0_problems(channel, f"{BASE_URL}/{places[client].name}/feed.xml") == []
        gpodder = podcastparser.parse("x", (places[client] / "feed.xml").open("rb"))
        assert len(gpodder["episodes"]) == len(parsed.entries)
    assert titles == {
        "ana": ["Just Breathe", "For You", "When You Are Triggered"],
        "lucia": ["Para ti", "Cuando algo te desborda"],
        "ben": ["Just Breathe", "When You Are Triggered"],
    }
    assert not places["sam"].exists()
    listed = run_guide("publish", "--site", str(tmp_path / "site"), "--list")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["ana", "ben", "lucia"]


def test_a_web_address_with_an_at_sign_is_no_email_address(tmp_path):
    from guide.publish.site import Site

    web = Site(tmp_path / "site", BASE_URL, None, {}, AUTHOR, "https://social.example/@harbor")
    mail = Site(tmp_path / "site", BASE_URL, None, {}, AUTHOR, CONTACT)
    assert (web.contact_email, mail.contact_email) == (None, CONTACT)
