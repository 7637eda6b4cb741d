using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Roles;
using Crm.Web.Security.Permissions;

namespace Crm.Tests.Mailings;

/// <summary>Staff, contacts and sending accounts for the mailing tests, built through the API where it matters.</summary>
public static class MailingKit
{
    /// <summary>A sales role: every company and contact action (with transfer) in the given scope, plus leads view.</summary>
    public static Task<int> SalesRoleAsync(CrmApp app, Scope scope) =>
        CompanyKit.RoleAsync(app, $"Sales {scope}", null, AssignRecordsTo.AnyUser,
            [.. CompanyKit.Everything(scope), (CrmModules.Leads.Key, PermissionAction.View, scope)]);

    public static async Task<int> AddAccountAsync(PageClient user, string name, int port, string from, int rate = 10_000, string? password = null)
    {
        var response = await user.PostJsonAsync("/api/v1/sending-accounts", JsonSerializer.Serialize(new
        {
            name, fromAddress = from, host = "127.0.0.1", port, security = "None",
            userName = password is null ? null : "mailer", password, ratePerMinute = rate,
        }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    /// <summary>The fields of the sending-account form as a page posts them; a null user name or password is left out.</summary>
    public static Dictionary<string, string> AccountForm(string name, string from, string host, int port, string rate, string? userName = null, string? password = null)
    {
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = name, ["Input.FromAddress"] = from, ["Input.Host"] = host,
            ["Input.Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.Security"] = "None", ["Input.RatePerMinute"] = rate,
        };
        if (userName is not null)
        {
            form["Input.UserName"] = userName;
        }

        if (password is not null)
        {
            form["Input.Password"] = password;
        }

        return form;
    }

    /// <summary>Adds contacts in one save: <c>{prefix}{i}@mail.test</c>, last name <paramref name="lastName"/>.</summary>
    public static Task<List<int>> ContactsAsync(CrmApp app, int count, int? companyId, Guid ownerId, string lastName, string prefix, int? departmentId = null) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var contacts = Enumerable.Range(1, count).Select(i => new Contact
            {
                FirstName = $"First{i}", LastName = lastName, Email = $"{prefix}{i}@mail.test", CompanyId = companyId,
                OwnerId = ownerId, DepartmentId = departmentId, CreatedAt = now, ModifiedAt = now, Version = 1,
            }).ToList();
            db.Contacts.AddRange(contacts);
            await db.SaveChangesAsync();
            return contacts.Select(c => c.Id).ToList();
        });

    public static Task<HttpResponseMessage> SendAsync(PageClient user, int accountId, string subject, string body, string module = "contacts",
        string? field = null, string? value = null) =>
        user.PostJsonAsync("/api/v1/mailings", JsonSerializer.Serialize(new
        {
            sendingAccountId = accountId, subject, body, module, filterField = field, filterValue = value,
        }));

    public static async Task<int> SentMailingAsync(PageClient user, int accountId, string subject, string body, string module = "contacts",
        string? field = null, string? value = null)
    {
        var response = await SendAsync(user, accountId, subject, body, module, field, value);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    /// <summary>Posts a page's form to one of its named handlers (the buttons' formaction), with the antiforgery token of the form.</summary>
    public static async Task<HttpResponseMessage> PostHandlerAsync(PageClient client, IDocument page, string path, string handler, Dictionary<string, string> values)
    {
        var form = page.QuerySelectorAll<IHtmlFormElement>("main form").First(f => f.QuerySelector("input[name=__RequestVerificationToken]") is not null);
        var token = form.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var fields = new List<KeyValuePair<string, string>>(values) { new("__RequestVerificationToken", token) };
        using var content = new FormUrlEncodedContent(fields);
        return await client.Http.PostAsync($"{path}?handler={handler}", content);
    }
}
