namespace Crm.Tests.Infrastructure;

/// <summary>
/// A clock whose time of day the test moves by hand, while timers stay real: the e-mail worker and
/// the scheduler sleep through it and must keep ticking. FakeTimeProvider would fire their timers
/// only on Advance (ADR 0014).
/// </summary>
public sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private readonly Lock _gate = new();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
