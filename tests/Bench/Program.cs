namespace KnowledgeBase.Bench;

/// <summary>Benchmarks that print figures: `chat` (api overhead and throughput with a stub model) and `korquad`
/// (retrieval quality and latency on KorQuAD 1.0 dev).</summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "chat" when args.Contains("--cluster"):
                return await ClusterBenchmark.RunAsync(args[1..]);
            case "chat":
                return await ChatBenchmark.RunAsync(args[1..]);
            case "korquad":
                return await KorQuadBench.RunAsync(args[1..]);
            default:
                Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Bench -- <chat|korquad> [options]");
                Console.Error.WriteLine("  chat [--users 64] [--seconds 15] [--delay-ms 50] [--answer-words 30]");
                Console.Error.WriteLine("  chat --cluster [--users 32] [--seconds 10] [--delay-ms 50] [--answer-words 30]   (needs redis-server, postgresql)");
                Console.Error.WriteLine("  korquad PATH [--repeat N] [--parallel N] [--keep DIR]");
                return 2;
        }
    }
}
