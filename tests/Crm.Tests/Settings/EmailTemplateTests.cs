using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Email.Templates;

namespace Crm.Tests.Settings;

public sealed partial class EmailTemplateTests
{
    [Fact]
    public void Every_template_of_every_language_loads_and_an_unknown_variable_or_code_is_refused_at_load()
    {
        var templates = new EmailTemplates(); // parses every template; throws on an unknown variable
        foreach (var (email, variables) in EmailTemplates.Emails)
        {
            foreach (var language in EmailTemplates.Languages)
            {
                var rendered = templates.Render(email, language, variables.ToDictionary(v => v, v => $"<{v}>"));
                Assert.DoesNotContain("{{", rendered.Text + rendered.Html + rendered.Subject, StringComparison.Ordinal);
                Assert.Contains("&lt;link&gt;", rendered.Html, StringComparison.Ordinal);
                Assert.Contains("<link>", rendered.Text, StringComparison.Ordinal);
            }
        }

        var known = new HashSet<string>(["name"]);
        var unknown = Assert.Throws<EmailTemplateException>(() => EmailTemplate.Parse("t", "Hello {{nmae}}", known, isHtml: true));
        Assert.Contains("unknown variable 'nmae'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<EmailTemplateException>(() => EmailTemplate.Parse("t", "Hello {{#each users}}", known, isHtml: true));
        Assert.Throws<EmailTemplateException>(() => EmailTemplate.Parse("t", "Hello {{{name}}}", known, isHtml: true));
        Assert.Throws<EmailTemplateException>(() => EmailTemplate.Parse("t", "Hello {{name", known, isHtml: true));
        Assert.Equal("Hi &lt;b&gt;&amp;&quot;", EmailTemplate.Parse("t", "Hi {{ name }}", known, isHtml: true).Render(new Dictionary<string, string> { ["name"] = "<b>&\"" }));
    }

    [Fact]
    public async Task The_reset_email_arrives_as_text_and_html_with_the_company_name_an_escaped_name_and_a_working_link()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port, worker: true);
        var admin = await app.SignInAsAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.PutAsJsonAsync("/api/v1/settings/company", new { name = "Acme & Söhne" })).StatusCode);
        // Created behind the validation (which refuses markup in names) to prove the email escapes anyway.
        await app.CreateUserAsync("mallory@crm.test", "forgotten passphrase", name: "<script>alert(1)</script> Mallory");

        var client = app.NewClient();
        await client.SubmitAsync("/account/forgot-password", new() { ["Input.Email"] = "mallory@crm.test" });
        var reset = Assert.Single(await server.WaitForAsync(m => m.RcptTos.Contains("mallory@crm.test")));

        Assert.Equal("multipart/alternative", reset.ContentType);
        Assert.Equal("Reset your CRM password", reset.Subject);
        Assert.Contains("Hello <script>alert(1)</script> Mallory,", reset.Text, StringComparison.Ordinal);
        Assert.Contains("at Acme & Söhne.", reset.Text, StringComparison.Ordinal);
        Assert.NotNull(reset.Html);
        Assert.DoesNotContain("<script>", reset.Html, StringComparison.Ordinal);
        Assert.Contains("Hello &lt;script&gt;alert(1)&lt;/script&gt; Mallory,", reset.Html, StringComparison.Ordinal);
        Assert.Contains("<strong>Acme &amp; S", reset.Html, StringComparison.Ordinal);

        var textLink = new Uri(LinkPattern().Match(reset.Text).Value);
        var htmlLink = new Uri(WebUtility.HtmlDecode(HrefPattern().Match(reset.Html).Groups[1].Value));
        Assert.Equal(textLink, htmlLink);
        var (_, page) = await client.GetPageAsync(htmlLink.PathAndQuery);
        var done = await client.SubmitAsync(page, new() { ["Input.NewPassword"] = "remembered passphrase", ["Input.ConfirmNewPassword"] = "remembered passphrase" });
        Assert.Equal("/account/sign-in?notice=password-reset", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_new_user_who_speaks_German_gets_the_welcome_email_in_German()
    {
        await using var server = await SmtpServer.StartAsync();
        await using var app = new CrmApp().WithSmtp(server.Port, worker: true);
        var admin = await app.SignInAsAdminAsync();
        var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "jonas@crm.test", fullName = "Jonas Becker", roleId = 1, language = "de" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var welcome = Assert.Single(await server.WaitForAsync(m => m.RcptTos.Contains("jonas@crm.test")));
        Assert.Equal("Ihr CRM-Konto", welcome.Subject);
        Assert.Equal("multipart/alternative", welcome.ContentType);
        Assert.Contains("Hallo Jonas Becker,", welcome.Text, StringComparison.Ordinal);
        Assert.Contains("im CRM von Ihrer Organisation", welcome.Text, StringComparison.Ordinal);
        Assert.Contains("Passwort wählen</a>", welcome.Html, StringComparison.Ordinal);
        Assert.Equal("/account/set-password", new Uri(LinkPattern().Match(welcome.Text).Value).AbsolutePath);
    }

    [GeneratedRegex(@"http://\S+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("href=\"([^\"]+)\"")]
    private static partial Regex HrefPattern();
}
