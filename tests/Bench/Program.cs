namespace KnowledgeBase.Bench;

/// <summary>Benchmarks that print figures: `chat` (api overhead and throughput with a stub model), `korquad`
/// (retrieval quality and latency on KorQuAD 1.0 dev), `retrieval` (the chat path's retrieval cost), `backup` (recovery time after data loss), `admin-scale` (admin pages and ingestion as users and documents grow).</summary>
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
            case "relay":
                // The bare relay of `chat --floor` in a process of its own, as the api runs in the product's run.
                await using (await BaselineServer.StartAsync(args[1], int.Parse(args[2]), embedQuestion: true))
                    await Task.Delay(Timeout.Infinite);
                return 0;
            case "korquad":
                return await KorQuadBench.RunAsync(args[1..]);
            case "retrieval":
                return await RetrievalBench.RunAsync(args[1..]);
            case "backup":
                return await BackupBench.RunAsync(args[1..]);
            case "admin-scale":
                return await AdminScaleBench.RunAsync(args[1..]);
            case "company-documents" when args.Length == 2:
                // The evaluation's company document set, for `dotnet run --project api -- eval --documents DIR`.
                foreach (var path in KnowledgeBase.Tests.Evaluation.CompanyDocumentSet.WriteAll(args[1]))
                    Console.WriteLine($"{path} ({new FileInfo(path).Length:N0} bytes)");
                return 0;
            default:
                Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Bench -- <chat|korquad|retrieval|backup|admin-scale|company-documents> [options]");
                Console.Error.WriteLine("  chat [--users 64] [--seconds 15] [--delay-ms 50] [--answer-words 30] [--warmup-seconds 60] [--api-dll PATH] [--delays 50,0] [--skip-idle] [--floor] [--think-ms 0]");
                Console.Error.WriteLine("  chat --cluster [--users 32] [--seconds 10] [--delay-ms 50] [--answer-words 30]   (needs redis-server, postgresql)");
                Console.Error.WriteLine("  korquad PATH [--repeat N] [--parallel N] [--index-dir DIR] [--show-slowest N]");
                Console.Error.WriteLine("  retrieval [--queries N]   (the chat questions over the five statutes, in process)");
                Console.Error.WriteLine("  retrieval --collections 50 [--chunks 100000] [--queries 4000] [--index-dir DIR]   (the permission filter's cost)");
                Console.Error.WriteLine("  backup [--repeat N] [--users 20] [--data DIR]   (RTO: restore + restart + first answer)");
                Console.Error.WriteLine("  admin-scale [--users 10000] [--documents 20000] [--uploads 10] [--repeat 15]   (admin pages and ingestion at 100 vs 10,000 users)");
                Console.Error.WriteLine("  company-documents DIR   (writes the evaluation's company document set into DIR)");
                return 2;
        }
    }
}
