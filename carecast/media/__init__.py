"""Video in the media library: probe, clean, fit to a network, and every network's limits.

``video_limits`` is the one table of what each network takes; ``probe`` reads a file with
ffprobe; ``fit`` makes a network's version with ffmpeg (in the worker, ``tasks``);
``uploads`` receives a browser's chunked upload; ``video`` turns a received file into a
``MediaAsset`` (metadata stripped, poster and thumbnails made).
"""
