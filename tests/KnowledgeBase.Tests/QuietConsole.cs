using System.Runtime.CompilerServices;

namespace KnowledgeBase.Tests;

/// <summary>A passing run prints only the test report: the hosts these tests start in process (the api, test-cluster
/// silos) write no console log. Their other log providers, and assertions on logs, are unaffected.
/// `KB_TEST_LOGS=1 dotnet test …` shows the logs again when a failure needs them.</summary>
internal static class QuietConsole
{
    [ModuleInitializer]
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable("KB_TEST_LOGS") != "1")
            Environment.SetEnvironmentVariable("Logging__Console__LogLevel__Default", "None");
    }
}
