"""Writing a session to files: export through ffmpeg, Matroska, MP3 silence splicing, captions, transcript, batches."""
