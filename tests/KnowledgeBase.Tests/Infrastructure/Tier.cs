namespace KnowledgeBase.Tests.Infrastructure;

/// <summary>Test tiers. Classes marked <c>[Trait(Tier.Name, Tier.Full)]</c> start real servers or processes (PostgreSQL,
/// Redis, ChromaDB, s3rver, a process cluster, backup and restore runs); the rest form the fast tier:
/// <c>dotnet test tests/KnowledgeBase.Tests --filter "Tier!=Full"</c>. CI runs both tiers.</summary>
public static class Tier
{
    public const string Name = "Tier";
    public const string Full = "Full";
}
