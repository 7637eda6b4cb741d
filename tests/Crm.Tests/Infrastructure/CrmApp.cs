using Crm.Web.Data;
using Crm.Web.Features.Account;
using Crm.Web.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Tests.Infrastructure;

/// <summary>
/// One CRM per test: its own database on the provider under test (a copy of the migrated template,
/// or an empty one for tests of a first start), its own clock, its own log and console. Settings
/// may be changed with <see cref="With"/> before the first request. Either way the app runs its
/// own start-up: pending migrations (none on the copy), seeds, first administrator.
/// </summary>
public class CrmApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@crm.test";
    public const string AdminPassword = "orbit lantern walnut 42";

    private readonly Dictionary<string, string?> _settings;

    public CrmApp()
        : this(TestDatabase.Migrated())
    {
    }

    /// <summary>An app on <paramref name="database"/> (e.g. <see cref="TestDatabase.Empty"/>), which it disposes with itself.</summary>
    public CrmApp(TestDatabase database)
    {
        Database = database;
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = TestDatabase.ProviderName,
            ["ConnectionStrings:Crm"] = Database.ConnectionString,
            ["CRM_ADMIN_EMAIL"] = AdminEmail,
            ["CRM_ADMIN_PASSWORD"] = AdminPassword,
            // Real hashing cost is 210,000 iterations; tests keep the format and lower the count.
            ["Security:PasswordHashIterations"] = "1000",
            ["Security:SignInAttemptsPerMinutePerIp"] = "1000",
            // Each app stores uploaded content in a folder of its own, removed with it.
            ["Files:Root"] = FilesRoot,
            // Tests drive the scheduler themselves (JobScheduler.RunDueAsync) so that clean-up jobs
            // never run in the middle of another test's story; SchedulerTests turns it on where needed.
            ["Scheduler:Enabled"] = "false",
        };
    }

    public TestDatabase Database { get; }

    public string FilesRoot { get; } = Path.Combine(Path.GetTempPath(), "crm-files-" + Guid.NewGuid().ToString("N"));
    public TestClock Clock { get; } = new();
    public CapturedLog Log { get; } = new();
    public StringWriter OperatorConsole { get; } = new();

    public CrmApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        // The captured log is where tests read what the app logged; the console's JSON lines would
        // only be formatted and thrown away, at every request of every test.
        builder.ConfigureLogging(l => l.ClearProviders().AddProvider(Log));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton(new OperatorConsole(OperatorConsole));
            services.AddSingleton<IStartupFilter, LoopbackConnection>();
        });
    }

    /// <summary>
    /// The in-memory test server has no network connection, so no client address: give requests
    /// the loopback address a real local client would have (activity log, rate limits).
    /// </summary>
    private sealed class LoopbackConnection : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private readonly KeptAnswers _answers = new();

    /// <summary>From now on, keeps the text of every answer any client of this app receives (<see cref="TakeAnswers"/>).</summary>
    public void KeepAnswers() => _answers.Start();

    /// <summary>The answers kept since <see cref="KeepAnswers"/> or the last call, each with its request.</summary>
    public IReadOnlyList<(string Url, string Text)> TakeAnswers() => _answers.Take();

    /// <summary>A client that keeps cookies and does not follow redirects, so tests see them.</summary>
    public PageClient NewClient(string baseAddress = "http://localhost")
    {
        var jar = new CookieJar();
        return new PageClient(CreateDefaultClient(new Uri(baseAddress), new AnswerKeeper(_answers), jar), jar);
    }

    public async Task<PageClient> SignInAsync(string email, string password)
    {
        var client = NewClient();
        var response = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public Task<PageClient> SignInAsAdminAsync() => SignInAsync(AdminEmail, AdminPassword);

    /// <summary>The id of the first administrator (<see cref="AdminEmail"/>), e.g. as a record's owner.</summary>
    public Task<Guid> AdminIdAsync() => InDatabaseAsync(db => db.Users.Where(u => u.Email == AdminEmail).Select(u => u.Id).SingleAsync());

    public async Task<CrmUser> CreateUserAsync(string email, string password, bool administrator = false, bool mustChangePassword = false, string? name = null)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();
        var user = new CrmUser
        {
            UserName = email,
            Email = email,
            FullName = name ?? email.Split('@')[0],
            IsAdministrator = administrator,
            MustChangePassword = mustChangePassword,
            RoleId = Crm.Web.Features.Roles.DefaultRoles.AdministratorRoleId,
            CreatedAt = Clock.GetUtcNow().UtcDateTime,
        };
        var result = await users.CreateAsync(user, password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        return user;
    }

    /// <summary>Runs <paramref name="work"/> against the app's database in a scope of its own.</summary>
    public async Task<T> InDatabaseAsync<T>(Func<CrmDb, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<CrmDb>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
        if (Directory.Exists(FilesRoot))
        {
            Directory.Delete(FilesRoot, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
