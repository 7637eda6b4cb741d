using System.Net;
using System.Security.Cryptography;
using Crm.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Files;

/// <summary>
/// When deleting a record takes file objects with it, the stored content whose last reference went
/// is removed from the store right after the commit (not at the next sweep); content still
/// referenced by another file object stays.
/// </summary>
public sealed class CascadeContentTests
{
    private static bool Stored(CrmApp app, byte[] content)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        return FileKit.StoredPaths(app).Any(p => Path.GetFileName(p).Contains(hash, StringComparison.Ordinal));
    }

    private static async Task UploadAsync(PageClient client, string module, int id, string name, byte[] content) =>
        Assert.Equal(HttpStatusCode.Created, (await client.UploadAsync(module, id, name, content)).StatusCode);

    [Fact]
    public async Task Deleting_a_company_removes_the_content_only_it_referenced_at_once_and_keeps_shared_content()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var acme = await CompanyAsync(app, "Acme", adminId, null);
        var acmeContact = await ContactAsync(app, "Ada", "Acme", acme, adminId, null);
        var acmeDeal = await DealAsync(app, "Acme deal", adminId, null, acme);
        var other = await ContactAsync(app, "Otto", "Other", null, adminId, null);
        byte[] onlyCompany = "only on the company"u8.ToArray(), onlyContact = "only on its contact"u8.ToArray(),
            onlyDeal = "only on its deal"u8.ToArray(), shared = "also on another contact"u8.ToArray();
        await UploadAsync(admin, "companies", acme, "plan.txt", onlyCompany);
        await UploadAsync(admin, "contacts", acmeContact, "cv.txt", onlyContact);
        await UploadAsync(admin, "deals", acmeDeal, "offer.txt", onlyDeal);
        await UploadAsync(admin, "companies", acme, "shared.txt", shared);
        await UploadAsync(admin, "contacts", other, "shared-copy.txt", shared);
        Assert.All(new[] { onlyCompany, onlyContact, onlyDeal, shared }, c => Assert.True(Stored(app, c)));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/companies/{acme}")).StatusCode);

        // Right after the request, without any sweep: the content of the company's, its contact's and its deal's files is gone.
        Assert.False(Stored(app, onlyCompany));
        Assert.False(Stored(app, onlyContact));
        Assert.False(Stored(app, onlyDeal));
        Assert.True(Stored(app, shared));
        Assert.Equal(["shared-copy.txt"], await app.InDatabaseAsync(db => db.FileObjects.Select(f => f.Name).ToListAsync()));
        Assert.Equal(1, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync($"/files/{await app.InDatabaseAsync(db => db.FileObjects.Select(f => f.Id).SingleAsync())}/download")).StatusCode);

        // Deleting the last reference's record (through the confirmation page) takes the content too.
        var (_, confirm) = await admin.GetPageAsync($"/contacts/{other}/delete");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(confirm, new())).StatusCode);
        Assert.False(Stored(app, shared));
        Assert.Equal(0, await app.InDatabaseAsync(db => db.StoredFiles.CountAsync()));
    }

    [Fact]
    public async Task Deleting_a_lead_product_or_email_removes_its_files_content_at_once()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        var adminId = await app.AdminIdAsync();
        var records = new (string Module, int Id)[]
        {
            ("leads", await LeadAsync(app, "Lee", "Lead", null, adminId, null)),
            ("products", await ProductAsync(app, "P-1", "Widget", adminId, null)),
            ("emails", await EmailAsync(app, "Offer", adminId, null)),
        };
        foreach (var (module, id) in records)
        {
            var content = System.Text.Encoding.UTF8.GetBytes($"content of {module}");
            await UploadAsync(admin, module, id, "a.txt", content);
            Assert.True(Stored(app, content));
            Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"/api/v1/{module}/{id}")).StatusCode);
            Assert.False(Stored(app, content), module);
        }
    }
}
