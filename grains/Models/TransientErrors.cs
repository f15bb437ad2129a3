using System.ClientModel;
using System.Net;

namespace KnowledgeBase.Grains.Models;

/// <summary>Decides whether a model call failed in a way worth retrying (rate limit, server error, timeout).</summary>
public static class TransientErrors
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        ClientResultException cre => cre.Status is 408 or 429 or >= 500,
        HttpRequestException hre => hre.StatusCode is null or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || (int?)hre.StatusCode >= 500,
        TimeoutException => true,
        TaskCanceledException tce => tce.InnerException is TimeoutException,
        _ => ex.InnerException is not null && IsTransient(ex.InnerException),
    };
}
