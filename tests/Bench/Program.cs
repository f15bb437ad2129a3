namespace KnowledgeBase.Bench;

/// <summary>Benchmarks: `korquad` (retrieval quality and latency on KorQuAD 1.0 dev); `chat` is added by the chat work.</summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "korquad":
                return await KorQuadBench.RunAsync(args[1..]);
            default:
                Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Bench -- <chat|korquad> [options]");
                Console.Error.WriteLine("  korquad PATH [--repeat N] [--parallel N] [--keep DIR]");
                return 2;
        }
    }
}
