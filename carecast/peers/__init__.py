"""Peer hospitals: public profiles of other hospitals, counted daily and ranked with ours."""
