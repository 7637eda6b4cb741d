using Crm.Web.Data;
using Crm.Web.Features.Access;
using Crm.Web.Features.Account;
using Crm.Web.Features.Activity;
using Crm.Web.Features.Mailings;
using Crm.Web.Features.ApiTokens;
using Crm.Web.Features.Audit;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Countries;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Demo;
using Crm.Web.Features.Departments;
using Crm.Web.Features.Email;
using Crm.Web.Features.Files;
using Crm.Web.Features.Groups;
using Crm.Web.Features.Leads;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Notifications;
using Crm.Web.Features.Products;
using Crm.Web.Features.Records;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Scheduler;
using Crm.Web.Features.Search;
using Crm.Web.Features.Settings;
using Crm.Web.Features.Tasks;
using Crm.Web.Features.Users;
using Crm.Web.Operations;
using Crm.Web.Security.Permissions;
using Crm.Web.Web;

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

// Services: one line per feature or cross-cutting part.
builder.Services.AddCrmData();
builder.Services.AddAudit();
builder.Services.AddCrmWeb();
builder.Services.AddHealth();
builder.Services.AddCrmPermissions();
builder.Services.AddAccounts();
builder.Services.AddUsers();
builder.Services.AddRoles();
builder.Services.AddAccessAdministration();
builder.Services.AddEmail();
builder.Services.AddDepartments();
builder.Services.AddGroups();
builder.Services.AddApiTokens();
builder.Services.AddCountries();
builder.Services.AddNotifications();
builder.Services.AddRecords();
builder.Services.AddCompanies();
builder.Services.AddContacts();
builder.Services.AddSearch();
builder.Services.AddLeads();
builder.Services.AddDeals();
builder.Services.AddLoggedEmails();
builder.Services.AddProducts();
builder.Services.AddFiles();
builder.Services.AddTasks();
builder.Services.AddMemos();
builder.Services.AddSettings();
builder.Services.AddScheduler();
builder.Services.AddScoped<DemoOrganisation>();
builder.Services.AddActivity();
builder.Services.AddMailings();
builder.Services.AddSection(new Section("Administration", "Users, roles, departments, groups, permissions and integrations.", "/admin", 800, u => u.IsAdministrator));
builder.Services.AddSection(new Section("Your account", "Your profile, your sessions and your password.", "/account", 900, _ => true) { InNavigation = false });
builder.Services.AddSection(new Section("Help", "How each screen works, one page per screen.", "/help", 1000, _ => true) { InNavigation = false });

var app = builder.Build();
if (await CommandLine.TryRunCommandAsync(app, args))
{
    return;
}

await app.PrepareDatabaseAsync();

// Pipeline and endpoints.
app.UseCrmPipeline();
app.MapHealth();
app.MapRazorPages();
app.MapBrandingImages();
app.MapOpenApi("/api/{documentName}/openapi.json").RequireAuthorization();
var api = app.MapGroup("/api/v1").RequireAuthorization();
api.MapAccountApi();
api.MapUsersApi();
api.MapRolesApi();
api.MapAccessApi();
api.MapDepartmentsApi();
api.MapGroupsApi();
api.MapApiTokensApi();
api.MapEmailQueueApi();
api.MapCountriesApi();
api.MapCompaniesApi();
api.MapContactsApi();
api.MapSearchApi();
api.MapRecordSuggestionsApi();
api.MapLeadsApi();
api.MapDealsApi();
api.MapLoggedEmailsApi();
api.MapProductsApi();
api.MapFilesApi();
api.MapTasksApi();
api.MapMemosApi();
api.MapSettingsApi();
api.MapSchedulerApi();
api.MapAuditApi();
api.MapActivityApi();
api.MapMailingsApi();

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
