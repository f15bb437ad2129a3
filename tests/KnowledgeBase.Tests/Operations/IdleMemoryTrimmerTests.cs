using KnowledgeBase.Grains.Hosting;

namespace KnowledgeBase.Tests.Operations;

/// <summary>When the process trims its memory: once per quiet spell, never while it is working.</summary>
public sealed class IdleMemoryTrimmerTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void A_busy_window_never_trims_and_the_first_quiet_one_after_it_trims_once()
    {
        var policy = new IdleMemoryTrimmer.IdlePolicy(allocatedAtStart: 0);
        var allocated = 0L;
        bool Window(long mb) => policy.ShouldTrim(allocated += mb * Mb);

        Assert.False(Window(300));   // start-up and an upload
        Assert.False(Window(120));   // chat turns
        Assert.True(Window(1));      // quiet: give memory back
        Assert.False(Window(2));     // still quiet: already trimmed
        Assert.False(Window(0));
        Assert.False(Window(64));    // busy again
        Assert.True(Window(3));      // the next quiet spell trims again
    }

    [Fact]
    public void A_process_that_starts_quiet_trims_after_its_first_window()
    {
        var policy = new IdleMemoryTrimmer.IdlePolicy(allocatedAtStart: 500 * Mb);
        Assert.True(policy.ShouldTrim(500 * Mb + IdleMemoryTrimmer.IdlePolicy.IdleBytes - 1));
        Assert.False(policy.ShouldTrim(500 * Mb + IdleMemoryTrimmer.IdlePolicy.IdleBytes));
    }
}
