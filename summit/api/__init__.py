"""The JSON API: public reads, and organisers' writes with bearer tokens."""
