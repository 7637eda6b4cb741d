using Crm.Web.Data;
using Crm.Web.Features;
using Crm.Web.Operations;
using Crm.Web.Records;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

// A table of contents: the cross-cutting parts, then every feature of Features/FeatureList.cs,
// each of which registers its own modules, services, sections, help and API (ADR 0021).
if (CommandLine.WantsHelp(args))
{
    Console.WriteLine(CommandLine.Usage);
    return;
}

args = CommandLine.Normalize(args);
SettingsFiles.WatchByPolling();
// The app's own folder is the content root when started from elsewhere (a service), and the
// shipped settings hold even without their file (ADR 0015).
var builder = WebApplication.CreateBuilder(ContentRoot.Options(args));
builder.Configuration.AddBuiltInSettings();
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://localhost:5080");
}

builder.Services.AddCrmData();
builder.Services.AddCrmWeb();
builder.Services.AddHealth();
builder.Services.AddCrmPermissions();
builder.Services.AddRecords();
builder.Services.AddFeatures(FeatureList.All);

var app = builder.Build();
if (await CommandLine.TryRunCommandAsync(app, args))
{
    return;
}

await app.PrepareDatabaseAsync();

app.UseCrmPipeline();
app.MapHealth();
app.MapRazorPages();
app.MapOpenApi("/api/{documentName}/openapi.json").RequireAuthorization();
var api = app.MapGroup("/api/v1").RequireAuthorization();
api.MapRecordSuggestionsApi();
api.MapRecordSharesApi();
app.MapFeatures(FeatureList.All, api);

var started = app.Lifetime.ApplicationStarted; // read now: the services are disposed when RunAsync fails
try
{
    await app.RunAsync();
}
catch (Exception) when (!started.IsCancellationRequested)
{
    // The host has logged why it could not start (the port taken, say): exit with an error code
    // rather than crash the process with the same error printed twice.
    Environment.ExitCode = 1;
}

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
