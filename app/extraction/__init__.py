"""Candidate figures read out of a document's text, for an editor to accept or reject
(issue 18): `extract` proposes them, `match_echoes` marks those repeating a stored
estimate, `vocabulary` / `seed_vocabulary` give the ids they may name."""

from app.extraction.candidate import Candidate, Named, Vocabulary
from app.extraction.echoes import match_echoes
from app.extraction.engine import extract
from app.extraction.vocabulary import seed_vocabulary, vocabulary

__all__ = [
    "Candidate",
    "Named",
    "Vocabulary",
    "extract",
    "match_echoes",
    "seed_vocabulary",
    "vocabulary",
]
