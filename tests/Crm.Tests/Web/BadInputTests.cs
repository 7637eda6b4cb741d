using System.Net;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Web;

/// <summary>
/// Every form, fed empty, oversized, hostile or forged input, answers with a clear message or a
/// 400 page: never a 500, never a stack trace, never the hostile text echoed as markup.
/// </summary>
public sealed class BadInputTests
{
    private const string Script = "<script>alert('x')</script>";
    private static readonly string s_huge = new('a', 10_240);

    public static TheoryData<string, string[], bool> Forms => new()
    {
        { "/account/sign-in", ["Input.Email", "Input.Password"], false },
        { "/account/forgot-password", ["Input.Email"], false },
        { "/account/reset-password?user=x&token=y", ["Input.NewPassword", "Input.ConfirmNewPassword"], false },
        { "/account/change-password", ["Input.CurrentPassword", "Input.NewPassword", "Input.ConfirmNewPassword"], true },
        { "/admin/departments/new", ["Input.Name", "Input.Email"], true },
        { "/admin/groups/new", ["Input.Name", "Input.Description"], true },
        { "/admin/tokens/new", ["Input.Name", "Input.UserId", "Input.ExpiresInDays"], true },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Empty_huge_and_scripted_values_get_clear_messages(string url, string[] fields, bool signedIn)
    {
        await using var app = new CrmApp();
        var client = signedIn ? await app.SignInAsAdminAsync() : app.NewClient();

        foreach (var value in new[] { "", s_huge, Script })
        {
            var response = await client.SubmitAsync(url, fields.ToDictionary(f => f, _ => value));
            var html = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} with a {value.Length}-character value answered {(int)response.StatusCode}");
            var page = await PageClient.ParseAsync(html);
            Assert.NotEmpty(page.ValidationMessages());
            Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task A_missing_or_wrong_antiforgery_token_is_a_400_page(string url, string[] fields, bool signedIn)
    {
        await using var app = new CrmApp();
        var client = signedIn ? await app.SignInAsAdminAsync() : app.NewClient();

        foreach (var token in new[] { null, "forged-token" })
        {
            var values = fields.ToDictionary(f => f, _ => "some value here");
            var (_, page) = await client.GetPageAsync(url);
            page.QuerySelector("main form input[name=__RequestVerificationToken]")!.SetAttribute("value", token ?? "");
            var response = await client.SubmitAsync(page, values);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("The request could not be processed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Malformed_api_bodies_get_400_with_field_messages()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();

        var notJson = await client.Http.PostAsync("/api/v1/me/password", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        var empty = await client.Http.PostAsync("/api/v1/me/password", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var problem = await empty.Content.ReadAsStringAsync();
        Assert.Contains("\"currentPassword\"", problem, StringComparison.Ordinal);
        Assert.Contains("\"newPassword\"", problem, StringComparison.Ordinal);
    }
}
