namespace Crm.Web.Features.Webhooks;

/// <summary>The <c>Webhooks:*</c> settings.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Host names (as written in endpoint URLs) an operator trusts: they skip the address and port
    /// checks and may use http. Empty by default; the tests name their loopback receiver here.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The ports an endpoint may use on any other host.</summary>
    public List<int> AllowedPorts { get; set; } = [443, 80];

    /// <summary>Days an attempt stays in the log before the scheduler prunes it (deliveries done as long ago go with it).</summary>
    public int AttemptRetentionDays { get; set; } = 30;

    public WebhookDeliveryOptions Delivery { get; set; } = new();
}

/// <summary>The sender's pace (<c>Webhooks:Delivery:*</c>).</summary>
public sealed class WebhookDeliveryOptions
{
    /// <summary>Off: this instance sends nothing on its own (another instance does, or a test drives it).</summary>
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 1;
    public int BatchSize { get; set; } = 100;
}
