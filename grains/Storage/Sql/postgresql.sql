-- Orleans ADO.NET grain storage on PostgreSQL: the tables and the three stored queries the provider reads.
-- Idempotent: safe to run at every start (or with `dotnet run --project silo -- migrate`).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NOT NULL DEFAULT '',
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL,
    Version                integer      NOT NULL,
    CONSTRAINT PK_OrleansStorage PRIMARY KEY (GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, ServiceId)
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage_Hash ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- A write succeeds only against the version the grain read (optimistic concurrency); no row back means conflict.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage AS s (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
VALUES (@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, COALESCE(@GrainIdExtensionString, ''''), @ServiceId, @PayloadBinary, now(), 1)
ON CONFLICT (GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, ServiceId) DO UPDATE SET
    PayloadBinary = EXCLUDED.PayloadBinary,
    ModifiedOn = now(),
    Version = s.Version + 1
WHERE s.Version = @GrainStateVersion
RETURNING s.Version AS NewGrainStateVersion;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''') AND ServiceId = @ServiceId
LIMIT 1;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''') AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
') ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- The audit log: append-only and hash-chained (grains/Audit). Times are Unix milliseconds, exactly as hashed.
CREATE TABLE IF NOT EXISTS AuditLog
(
    Sequence     bigint        NOT NULL PRIMARY KEY,
    OccurredAtMs bigint        NOT NULL,
    ActorId      varchar(200)  NOT NULL,
    ActorEmail   varchar(320)  NOT NULL,
    Address      varchar(64)   NOT NULL,
    Action       varchar(100)  NOT NULL,
    Target       varchar(500)  NOT NULL,
    Detail       varchar(2000) NOT NULL,
    PreviousHash char(64)      NOT NULL,
    Hash         char(64)      NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_AuditLog_Time ON AuditLog (OccurredAtMs);
CREATE INDEX IF NOT EXISTS IX_AuditLog_Actor ON AuditLog (ActorId);
CREATE INDEX IF NOT EXISTS IX_AuditLog_Action ON AuditLog (Action);
