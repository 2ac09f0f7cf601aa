"""dprk-labor-api: figures on North Korea's overseas labour, each with its provenance."""
