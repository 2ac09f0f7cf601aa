"""The tables (app.models): what the database itself refuses."""

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import add_estimate


def test_the_database_refuses_a_part_without_a_note(session):
    with pytest.raises(IntegrityError), session.begin_nested():
        add_estimate(session, "zz-part", population="part")
