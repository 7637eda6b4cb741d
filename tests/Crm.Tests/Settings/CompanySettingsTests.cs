using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AngleSharp.Dom;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Activity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Tests.Settings;

public sealed class CompanySettingsTests
{
    /// <summary>Posts the company form as a browser does (multipart, with the antiforgery token).</summary>
    private static async Task<HttpResponseMessage> PostCompanyAsync(PageClient client, string name, Dictionary<string, (string FileName, byte[] Bytes)>? files = null,
        Dictionary<string, string>? fields = null)
    {
        var (_, page) = await client.GetPageAsync("/admin/settings/company");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!), "__RequestVerificationToken" },
            { new StringContent(name), "Input.Name" },
        };
        foreach (var (field, value) in fields ?? [])
        {
            form.Add(new StringContent(value), field);
        }

        foreach (var (field, (fileName, bytes)) in files ?? [])
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(content, field, fileName);
        }

        return await client.Http.PostAsync("/admin/settings/company", form);
    }

    [Fact]
    public async Task The_company_name_and_logos_show_in_the_navbar_also_on_the_sign_in_page_and_are_served_as_cached_pngs()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var light = TinyPng.Create(120, 40);
        var dark = TinyPng.Create(120, 40, 0xee, 0xee, 0xee);
        var favicon = TinyPng.Create(32, 32);

        var saved = await PostCompanyAsync(admin, "Acme Widgets GmbH", new()
        {
            ["Input.LogoLight"] = ("light.png", light),
            ["Input.LogoDark"] = ("dark.png", dark),
            ["Input.Favicon"] = ("icon.png", favicon),
        }, new() { ["Input.Address"] = "Hauptstraße 1\n10115 Berlin\nGermany", ["Input.DocumentLogoWidth"] = "180" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var (_, home) = await admin.GetPageAsync("/");
        AssertBranded(home);
        var anonymous = app.NewClient();
        var (_, signIn) = await anonymous.GetPageAsync("/account/sign-in");
        AssertBranded(signIn);

        var logoUrl = signIn.QuerySelector(".navbar-brand img")!.GetAttribute("src")!;
        var logo = await anonymous.Http.GetAsync(logoUrl);
        Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
        Assert.Equal("image/png", logo.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", logo.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("immutable", logo.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal(light, await logo.Content.ReadAsByteArrayAsync());
        var icon = await anonymous.Http.GetAsync(signIn.QuerySelector("link[rel=icon]")!.GetAttribute("href"));
        Assert.Equal(favicon, await icon.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync("/branding/passwords/1.png")).StatusCode);

        var json = await (await admin.Http.GetAsync("/api/v1/settings/company")).ReadJsonAsync();
        Assert.Equal("Hauptstraße 1\n10115 Berlin\nGermany", json.GetProperty("address").GetString());
        Assert.Equal(180, json.GetProperty("documentLogoWidth").GetInt32());
        var entry = await app.InDatabaseAsync(db => db.ActivityLog.Where(a => a.Kind == ActivityKinds.SettingsChanged).Select(a => a.Summary).SingleAsync());
        Assert.Contains("name '' → 'Acme Widgets GmbH'", entry, StringComparison.Ordinal);
        Assert.Contains("new logo for dark mode", entry, StringComparison.Ordinal);

        static void AssertBranded(IDocument page)
        {
            Assert.Equal("Acme Widgets GmbH", page.QuerySelector(".navbar-brand .brand-name")!.TextContent.Trim());
            var picture = page.QuerySelector(".navbar-brand picture")!;
            Assert.Equal("(prefers-color-scheme: dark)", picture.QuerySelector("source")!.GetAttribute("media"));
            Assert.StartsWith("/branding/logo-dark/", picture.QuerySelector("source")!.GetAttribute("srcset"), StringComparison.Ordinal);
            Assert.StartsWith("/branding/logo-light/", picture.QuerySelector("img")!.GetAttribute("src"), StringComparison.Ordinal);
            Assert.StartsWith("/branding/favicon/", page.QuerySelector("link[rel=icon]")!.GetAttribute("href"), StringComparison.Ordinal);
            Assert.Null(picture.GetAttribute("style"));
        }
    }

    [Fact]
    public async Task A_bad_image_is_refused_with_its_reason_and_the_previous_logo_stays()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var good = TinyPng.Create(300, 60);
        Assert.Equal(HttpStatusCode.Redirect, (await PostCompanyAsync(admin, "Acme", new() { ["Input.LogoLight"] = ("logo.png", good) })).StatusCode);
        var version = await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.BrandingVersion).SingleAsync());

        var oversized = new byte[(1024 * 1024) + 10];
        TinyPng.Create(10, 10).CopyTo(oversized, 0);
        var cases = new (string Field, byte[] Bytes, string Message)[]
        {
            ("Input.LogoLight", "GIF89a not a png at all"u8.ToArray(), "The logo for light mode must be a PNG image; this file is not one."),
            ("Input.LogoLight", TinyPng.Create(301, 20), "The logo for light mode must be at most 300 pixels wide; this one is 301 pixels wide."),
            ("Input.LogoDark", oversized, "The logo for dark mode must be at most 1 MB (this file is 1025 KB)."),
            ("Input.Favicon", TinyPng.Create(16, 16), "The favicon must be exactly 32×32 pixels; this one is 16×16."),
        };
        foreach (var (field, bytes, message) in cases)
        {
            var refused = await PostCompanyAsync(admin, "Renamed too", new() { [field] = ("upload.png", bytes) });
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var page = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
            Assert.Equal(message, page.FieldError(field));
        }

        var stored = await app.InDatabaseAsync(db => db.InstanceSettings.SingleAsync());
        Assert.Equal(good, stored.LogoLight);
        Assert.Equal(("Acme", version), (stored.CompanyName, stored.BrandingVersion));
        Assert.Null(stored.LogoDark);
        Assert.Null(stored.Favicon);

        // The API refuses the same way, and the width for documents is range-checked.
        var api = await admin.Http.PutAsJsonAsync("/api/v1/settings/company", new { name = "Acme", documentLogoWidth = 5000, logoLight = TinyPng.Create(400, 10) });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        var errors = (await api.ReadJsonAsync()).GetProperty("errors");
        Assert.Contains("400 pixels wide", errors.GetProperty("logoLight")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("between 50 and 600", errors.GetProperty("documentLogoWidth")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(good, await app.InDatabaseAsync(db => db.InstanceSettings.Select(s => s.LogoLight).SingleAsync()));

        // Removing works, and the navbar falls back to the name alone.
        var removed = await admin.Http.PutAsJsonAsync("/api/v1/settings/company", new { name = "Acme", removeLogoLight = true });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var (_, home) = await admin.GetPageAsync("/");
        Assert.Null(home.QuerySelector(".navbar-brand picture"));
        Assert.Equal("Acme", home.QuerySelector(".navbar-brand")!.TextContent.Trim());
    }

    [Fact]
    public async Task Hostile_text_is_refused_and_staff_cannot_read_or_change_the_company_settings()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var hostile = await admin.Http.PutAsJsonAsync("/api/v1/settings/company", new { name = "<script>alert(1)</script>" });
        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        Assert.Empty(await app.InDatabaseAsync(db => db.InstanceSettings.ToListAsync()));

        await app.CreateUserAsync("staff@crm.test", "a good long passphrase");
        var staff = await app.SignInAsync("staff@crm.test", "a good long passphrase");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/api/v1/settings/company")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.PutAsJsonAsync("/api/v1/settings/company", new { name = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.Http.GetAsync("/admin/settings/company")).StatusCode);
    }
}
