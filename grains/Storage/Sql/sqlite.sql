-- Orleans ADO.NET grain storage on SQLite: the tables and the three stored queries the provider reads.
-- Idempotent: safe to run at every start.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NOT NULL DEFAULT '',
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL,
    PRIMARY KEY (GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, ServiceId)
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage_Hash ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- A write succeeds only against the version the grain read (optimistic concurrency); no row back means conflict.
-- synchronous=NORMAL (per connection, so set on each write): in WAL mode a commit survives a killed process
-- without waiting for an fsync; only an OS crash can lose the last commits. Production runs on SQL Server or PostgreSQL.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
PRAGMA synchronous = NORMAL;
INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, COALESCE(@GrainIdExtensionString, ''''), @ServiceId, @PayloadBinary, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
WHERE true
ON CONFLICT (GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, ServiceId) DO UPDATE SET
    PayloadBinary = excluded.PayloadBinary,
    ModifiedOn = excluded.ModifiedOn,
    Version = OrleansStorage.Version + 1
WHERE OrleansStorage.Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''') AND ServiceId = @ServiceId
LIMIT 1;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''') AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

-- The audit log: append-only and hash-chained (grains/Audit). Times are Unix milliseconds, exactly as hashed.
CREATE TABLE IF NOT EXISTS AuditLog
(
    Sequence     INTEGER NOT NULL PRIMARY KEY,
    OccurredAtMs INTEGER NOT NULL,
    ActorId      TEXT    NOT NULL,
    ActorEmail   TEXT    NOT NULL,
    Address      TEXT    NOT NULL,
    Action       TEXT    NOT NULL,
    Target       TEXT    NOT NULL,
    Detail       TEXT    NOT NULL,
    PreviousHash TEXT    NOT NULL,
    Hash         TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_AuditLog_Time ON AuditLog (OccurredAtMs);
CREATE INDEX IF NOT EXISTS IX_AuditLog_Actor ON AuditLog (ActorId);
CREATE INDEX IF NOT EXISTS IX_AuditLog_Action ON AuditLog (Action);
