-- Orleans ADO.NET grain storage on SQL Server: the tables and the three stored queries the provider reads.
-- Idempotent: safe to run at every start. Batches are separated by GO lines.
-- Not run on the development machine (no SQL Server can run there); see README for what was tested.
IF OBJECT_ID(N'dbo.OrleansQuery', N'U') IS NULL
CREATE TABLE dbo.OrleansQuery
(
    QueryKey  VARCHAR(64)   NOT NULL CONSTRAINT PK_OrleansQuery PRIMARY KEY,
    QueryText NVARCHAR(MAX) NOT NULL
);
GO

IF OBJECT_ID(N'dbo.OrleansStorage', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.OrleansStorage
    (
        GrainIdHash            INT            NOT NULL,
        GrainIdN0              BIGINT         NOT NULL,
        GrainIdN1              BIGINT         NOT NULL,
        GrainTypeHash          INT            NOT NULL,
        GrainTypeString        NVARCHAR(512)  NOT NULL,
        GrainIdExtensionString NVARCHAR(512)  NOT NULL CONSTRAINT DF_OrleansStorage_Ext DEFAULT N'',
        ServiceId              NVARCHAR(150)  NOT NULL,
        PayloadBinary          VARBINARY(MAX) NULL,
        ModifiedOn             DATETIME2(3)   NOT NULL,
        Version                INT            NOT NULL
    );
    -- The full key is too wide for an index; the two hashes find the row and the strings settle collisions.
    CREATE NONCLUSTERED INDEX IX_OrleansStorage_Hash ON dbo.OrleansStorage (GrainIdHash, GrainTypeHash);
END
GO

MERGE dbo.OrleansQuery AS target
USING (VALUES
('WriteToStorageKey', N'
SET NOCOUNT ON;
SET XACT_ABORT ON;
DECLARE @Ext NVARCHAR(512) = ISNULL(@GrainIdExtensionString, N'''');
BEGIN TRANSACTION;
IF @GrainStateVersion IS NOT NULL
    UPDATE dbo.OrleansStorage WITH (UPDLOCK, ROWLOCK)
    SET PayloadBinary = @PayloadBinary, ModifiedOn = SYSUTCDATETIME(), Version = Version + 1
    OUTPUT inserted.Version AS NewGrainStateVersion
    WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
      AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = @Ext AND ServiceId = @ServiceId AND Version = @GrainStateVersion;
ELSE
    INSERT INTO dbo.OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
    OUTPUT inserted.Version AS NewGrainStateVersion
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @Ext, @ServiceId, @PayloadBinary, SYSUTCDATETIME(), 1
    WHERE NOT EXISTS (
        SELECT 1 FROM dbo.OrleansStorage WITH (UPDLOCK, HOLDLOCK)
        WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
          AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
          AND GrainIdExtensionString = @Ext AND ServiceId = @ServiceId);
COMMIT TRANSACTION;
'),
('ReadFromStorageKey', N'
SET NOCOUNT ON;
SELECT TOP 1 PayloadBinary, Version
FROM dbo.OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = ISNULL(@GrainIdExtensionString, N'''') AND ServiceId = @ServiceId;
'),
('ClearStorageKey', N'
SET NOCOUNT ON;
UPDATE dbo.OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = SYSUTCDATETIME(), Version = Version + 1
OUTPUT inserted.Version AS NewGrainStateVersion
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = ISNULL(@GrainIdExtensionString, N'''') AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion;
')
) AS source (QueryKey, QueryText)
ON target.QueryKey = source.QueryKey
WHEN MATCHED THEN UPDATE SET QueryText = source.QueryText
WHEN NOT MATCHED THEN INSERT (QueryKey, QueryText) VALUES (source.QueryKey, source.QueryText);
GO

-- The audit log: append-only and hash-chained (grains/Audit). Times are Unix milliseconds, exactly as hashed.
IF OBJECT_ID(N'dbo.AuditLog', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.AuditLog
    (
        Sequence     BIGINT         NOT NULL CONSTRAINT PK_AuditLog PRIMARY KEY,
        OccurredAtMs BIGINT         NOT NULL,
        ActorId      NVARCHAR(200)  NOT NULL,
        ActorEmail   NVARCHAR(320)  NOT NULL,
        Address      NVARCHAR(64)   NOT NULL,
        Action       NVARCHAR(100)  NOT NULL,
        Target       NVARCHAR(500)  NOT NULL,
        Detail       NVARCHAR(2000) NOT NULL,
        PreviousHash CHAR(64)       NOT NULL,
        Hash         CHAR(64)       NOT NULL
    );
    CREATE NONCLUSTERED INDEX IX_AuditLog_Time ON dbo.AuditLog (OccurredAtMs);
    CREATE NONCLUSTERED INDEX IX_AuditLog_Actor ON dbo.AuditLog (ActorId);
    CREATE NONCLUSTERED INDEX IX_AuditLog_Action ON dbo.AuditLog (Action);
END
GO
