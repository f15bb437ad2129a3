using Microsoft.Extensions.Options;

namespace KnowledgeBase.Grains.Hosting;

/// <summary>A setting with a value the product cannot use; the message names the variable and what it accepts.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

/// <summary>Turns a start-up failure caused by a bad setting into the one line an operator needs.</summary>
public static class ConfigurationErrors
{
    private static readonly System.Text.RegularExpressions.Regex BinderFailure =
        new(@"^Failed to convert configuration value (?:'(?<value>[^']*)' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'");

    /// <summary>"configuration error: NAME …" when the exception (or one it wraps) is a bad setting; otherwise null.</summary>
    public static string? Describe(Exception exception)
    {
        for (Exception? ex = exception; ex is not null; ex = ex is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : ex.InnerException)
        {
            switch (ex)
            {
                case ConfigurationException:
                    return "configuration error: " + ex.Message;
                case OptionsValidationException validation:
                    return "configuration error: " + string.Join(" ", validation.Failures);
                // The configuration binder could not convert a value: its message names the variable and the value.
                case InvalidOperationException when BinderFailure.Match(ex.Message) is { Success: true } failure:
                    return $"configuration error: {failure.Groups["key"].Value} must be a {failure.Groups["type"].Value} (got '{failure.Groups["value"].Value}').";
            }
        }
        return null;
    }

    /// <summary>Runs a host's start and life; a bad setting ends the process with one line on stderr and exit code 2.</summary>
    public static async Task<int> RunAsync(Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (Exception ex) when (Describe(ex) is { } line)
        {
            Console.Error.WriteLine(line);
            return 2;
        }
    }
}
