"""Input formats for both languages: dates and times are read as ISO 8601 only.

Django's English formats read ``02/12/2026`` as 12 February, US-style: a Japanese or
European reader means 2 December. Every date field takes ``YYYY-MM-DD`` (what the
browser's date picker sends) and refuses any other shape; display formats are untouched.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
