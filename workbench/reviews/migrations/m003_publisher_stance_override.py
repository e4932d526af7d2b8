"""Reviews schema 3: the publisher of the ClaimReview export, the reviewer's own stance per
evidence card, and where the reviewed claim appeared and who made it.

* ``review_setting``: settings of the index's reviews (today the publisher's ``name`` and
  ``base_url``, set once per index: ``workbench reviews publisher``, the Review tab's Publisher
  box). Append-only like the reviews: a new value is a new row, the latest row of a key wins,
  and an empty value clears the setting.
* ``review_evidence.stance_override``: supports, refutes or neutral when the reviewer set the
  card's stance themselves (NULL: they kept the machine's).
* ``review.claim_source`` / ``review.claim_author``: where the claim appeared (a URL or a file)
  and who made it, when the review knows (NULL otherwise).

ALTER TABLE ... ADD COLUMN rewrites no row, so the append-only triggers of schema 1 hold.
"""

SQL = """
CREATE TABLE IF NOT EXISTS review_setting (
    setting_id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_setting_key ON review_setting(key, setting_id);
CREATE TRIGGER IF NOT EXISTS review_setting_no_update BEFORE UPDATE ON review_setting
BEGIN SELECT RAISE(ABORT, 'review settings are append-only'); END;
CREATE TRIGGER IF NOT EXISTS review_setting_no_delete BEFORE DELETE ON review_setting
BEGIN SELECT RAISE(ABORT, 'review settings are append-only'); END;
ALTER TABLE review_evidence ADD COLUMN stance_override TEXT;
ALTER TABLE review ADD COLUMN claim_source TEXT;
ALTER TABLE review ADD COLUMN claim_author TEXT;
"""
