"""Names of the dashboard's session-state entries, shared by app.py and the pages."""

FILTERS = "sentinella_filters"  # the current monitoring.filters.Filters
LANGUAGE = "sentinella_language"  # the sidebar's language choice ('it' | 'en')
CSV_EXCEL_IT = "sentinella_csv_excel_it"  # download CSVs in the Italian-Excel dialect
PERIOD = "sentinella_period"
TEAMS = "sentinella_teams"
CHANNELS = "sentinella_channels"
PLATFORMS = "sentinella_platforms"
MENTION_WINDOW = "sentinella_mention_window"  # (start, end) UTC set by a crisis-alert link
MENTION_LABELS = "sentinella_mention_labels"
MENTION_PAGE = "sentinella_mention_page"
REVIEW_WEEK = "sentinella_review_week"
REVIEW_ITEM = "sentinella_review_item"
REVIEW_NOTE = "sentinella_review_note"
REVIEW_FLASH = "sentinella_review_flash"  # the last decision's outcome, shown after the rerun
TEAM_DRILL = "sentinella_team_drill"
USER = "sentinella_user"  # the signed-in monitoring.auth.User (local accounts)
