using System.Runtime.InteropServices;
using KnowledgeBase.LocalCluster;

// `dotnet run -c Release --project tests/LocalCluster -- [--silos 3] [--apis 2] [--no-chroma]`: the whole production
// topology on loopback until Ctrl+C. Kill a silo (kill -9 PID) to watch the cluster recover.
var silos = IntArg("--silos", 3);
var apis = IntArg("--apis", 2);
if (silos < 0 || apis < 1)
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/LocalCluster -- [--silos N>=0 (0: the apis co-host silos)] [--apis N>=1] [--no-chroma]");
    return 2;
}
var options = new ProcessClusterOptions { Silos = silos, Apis = apis, Chroma = !args.Contains("--no-chroma") };
Console.WriteLine($"starting {silos} silos and {apis} api processes under {options.Root} ...");
await using var cluster = await ProcessCluster.StartAsync(options, Console.WriteLine);
Console.WriteLine($"ready. Sign up as {ProcessCluster.AdminEmail} to be admin. Ctrl+C stops everything and deletes {options.Root}.");
// Ctrl+C, kill (SIGTERM) and a closed terminal all stop the servers and hosts instead of leaving them running.
var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
await stop.Task;
Console.WriteLine("stopping ...");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
