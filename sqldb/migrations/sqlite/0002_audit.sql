-- The tamper-evident audit log (package audit). Every audited action is one
-- row of audit_entries and one leaf of an RFC 6962 Merkle tree. Rows hold
-- references and SHA-256 digests, never personal data.
CREATE TABLE audit_entries (
    seq           INTEGER PRIMARY KEY,  -- leaf index + 1, contiguous from 1
    at            TIMESTAMP NOT NULL,
    actor         TEXT NOT NULL,        -- okno.Actor.Ref()
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    before_digest BLOB,                 -- NULL when the object was created
    after_digest  BLOB,                 -- NULL when the object was deleted
    leaf_hash     BLOB NOT NULL
);

-- The tree's head, one row, rewritten by every append in the appending
-- transaction: the size, the roots of the perfect subtrees along the right
-- edge (32 bytes each, largest first) and the root. Appends serialise on it.
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    size     INTEGER NOT NULL,
    frontier BLOB NOT NULL,
    root     BLOB NOT NULL
);
-- The empty tree: its root is SHA-256 of the empty string.
INSERT INTO audit_head (id, size, frontier, root)
VALUES (1, 0, X'', X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

-- Signed checkpoints: an Ed25519 signed note over "okno audit log", the size
-- and the base64 root. signed_at is when it was made; the note does not sign it.
CREATE TABLE audit_checkpoints (
    size      INTEGER PRIMARY KEY,
    signed_at TIMESTAMP NOT NULL,
    note      TEXT NOT NULL
);
