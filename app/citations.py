"""How this dataset is cited: the reference every citation and download names.

A figure's citation (its claimant, origin document and the outlets that carried it) is
built on this: the dataset, its permalink for the thing cited, the data version the reader
saw and the day they accessed it.
"""

from datetime import date

from app.config import get_settings


def permalink(path: str) -> str:
    """The public URL of `path` (e.g. "/v1/estimates/x"), from PUBLIC_URL."""
    return get_settings().base_url + path


def dataset_citation(path: str, data_version: int, accessed: date) -> str:
    """The dataset reference as a sentence: title, permalink, data version, access date."""
    return (
        f"{get_settings().dataset_title}, {permalink(path)} "
        f"(data version {data_version}; accessed {accessed.isoformat()})."
    )
