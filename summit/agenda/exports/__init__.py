"""The published programme in other programs' formats: frab XML and JSON, iCalendar, CSV."""
