// Benchmarks: `chat` (api overhead with a stub model) and `korquad` (retrieval quality). Commands are added per issue.
Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Bench -- <chat|korquad> [options]");
return 2;
