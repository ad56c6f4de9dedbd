"""The demo hospital "Klinikum Musterstadt", publishing to local sandbox servers."""
