namespace KnowledgeBase.Bench;

/// <summary>Benchmarks that print figures: `chat` (api overhead and throughput with a stub model) and `korquad` (retrieval quality).</summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "chat":
                return await ChatBenchmark.RunAsync(args[1..]);
            default:
                Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Bench -- chat [--users 64] [--seconds 15] [--delay-ms 50]");
                return 2;
        }
    }
}
