using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Crm.Web.Features.Memos;
using Crm.Web.Records;
using Crm.Web.Features.Roles;
using Crm.Web.Features.Tasks;
using Crm.Web.Security.Permissions;
using Microsoft.EntityFrameworkCore;
using static Crm.Tests.Infrastructure.CompanyKit;
using static Crm.Tests.Infrastructure.ObjectKit;

namespace Crm.Tests.Records;

/// <summary>
/// Two departments, A and B: alice (in A, sees everything) owns records that hang on bob's and
/// that bob's hang on; bob (in B) has every action on every CRM module with one scope, and carol
/// (in B) has bob's role. Every record is made straight in the database, so its history has a
/// "created" entry with its links. <see cref="Hidden"/> names alice's records, which bob's scope
/// never reaches (he is neither her superior nor in her department); each is shared with carol
/// (read or edit), never with bob.
/// </summary>
public sealed record LinkedRecordWorld(CrmApp App, CrmUser Alice, CrmUser Bob, CrmUser Carol, int DepartmentA, int DepartmentB, IReadOnlyDictionary<string, int> Ids)
{
    public int this[string name] => Ids[name];

    /// <summary>An id no record of any module has.</summary>
    public const int Missing = 987654;

    /// <summary>Alice's records, by module: what bob must never see, move, change or delete.</summary>
    public static readonly (string Name, string Module)[] Hidden =
    [
        ("aliceCompany", "companies"), ("aliceContactAtBobs", "contacts"), ("aliceDealAtBobs", "deals"), ("aliceTaskAtBobs", "tasks"),
        ("aliceTask", "tasks"), ("aliceLead", "leads"), ("aliceProduct", "products"), ("aliceEmail", "emails"), ("aliceMemo", "memos"), ("aliceContact", "contacts"),
        ("aliceDeal", "deals"), ("aliceVaultEntry", "vault"), ("aliceVaultCategory", "vault-categories"),
    ];

    /// <summary>Every standard action of every CRM module (and transfer, review, import) with one scope.</summary>
    public static (string, string, Scope)[] Grants(Scope scope) =>
    [
        .. Crm.Tests.Infrastructure.ObjectKit.Everything(scope),
        .. new[] { CrmModules.Memos.Key, CrmModules.Tasks.Key, CrmModules.Files.Key }.SelectMany(m => PermissionAction.Standard.Select(a => (m, a, scope))),
        (CrmModules.Memos.Key, PermissionAction.Review, scope),
    ];

    public static async Task<LinkedRecordWorld> CreateAsync(CrmApp app, Scope bobsScope)
    {
        var a = await DepartmentAsync(app, "Department A");
        var b = await DepartmentAsync(app, "Department B");
        var everything = await RoleAsync(app, "Everything", null, AssignRecordsTo.AnyUser, Grants(Scope.All));
        var scoped = await RoleAsync(app, "Scoped", null, AssignRecordsTo.AnyUser, Grants(bobsScope));
        var alice = await UserAsync(app, "alice@crm.test", everything, a);
        var bob = await UserAsync(app, "bob@crm.test", scoped, b);
        var carol = await UserAsync(app, "carol@crm.test", scoped, b);
        var ids = new Dictionary<string, int>
        {
            ["aliceCompany"] = await CompanyAsync(app, "Alpha Hidden Ltd", alice.Id, a),
            ["bobCompany"] = await CompanyAsync(app, "Bravo Visible Ltd", bob.Id, b),
        };
        ids["aliceContactAtBobs"] = await ContactAsync(app, "Hidden", "Atbravo", ids["bobCompany"], alice.Id, a);
        ids["carolContactAtBobs"] = await ContactAsync(app, "Carols", "Atbravo", ids["bobCompany"], carol.Id, b);
        ids["bobContactAtAlices"] = await ContactAsync(app, "Bobs", "Atalpha", ids["aliceCompany"], bob.Id, b);
        ids["aliceContact"] = await ContactAsync(app, "Hidden", "Atalpha", ids["aliceCompany"], alice.Id, a);
        ids["aliceDealAtBobs"] = await DealAsync(app, "Hidden open deal", alice.Id, a, companyId: ids["bobCompany"]);
        ids["aliceDeal"] = await DealAsync(app, "Hidden deal", alice.Id, a, companyId: ids["aliceCompany"], contactId: ids["aliceContact"]);
        ids["bobDealAtAlices"] = await DealAsync(app, "Bobs deal", bob.Id, b, companyId: ids["aliceCompany"], contactId: ids["aliceContact"]);
        ids["aliceLead"] = await LeadAsync(app, "Hidden", "Lead", "Alpha", alice.Id, a);
        ids["aliceProduct"] = await ProductAsync(app, "HID-1", "Hidden product", alice.Id, a);
        ids["aliceEmail"] = await EmailAsync(app, "Hidden email", alice.Id, a, "companies", ids["bobCompany"]);
        ids["bobEmailAboutAlices"] = await EmailAsync(app, "Bobs email", bob.Id, b, "leads", ids["aliceLead"]);
        ids["aliceTask"] = await TaskAsync(app, "Hidden task", alice.Id, a);
        ids["aliceTaskAtBobs"] = await TaskAsync(app, "Hidden open task", alice.Id, a, relatedModule: "companies", relatedId: ids["bobCompany"]);
        ids["bobTaskUnderAlices"] = await TaskAsync(app, "Bobs task", bob.Id, b, parentId: ids["aliceTask"], relatedModule: "leads", relatedId: ids["aliceLead"]);
        // To the administrator: a memo's reviewer is someone other than its author, or no save (the witness's PATCH) takes it.
        ids["aliceMemo"] = await MemoAsync(app, "Hidden memo", alice.Id, await app.AdminIdAsync(), a, "companies", ids["aliceCompany"]);
        ids["bobMemo"] = await MemoAsync(app, "Bobs memo", bob.Id, alice.Id, b, "deals", ids["aliceDeal"]);
        // The vault is no CRM module, but the same rule holds for it: a category and an entry that no
        // grant opens to bob (the administrator's, as every vault's) are as missing to him.
        var admin = await app.SignInAsAdminAsync();
        ids["aliceVaultCategory"] = await CreatedIdAsync(admin, "/api/v1/vault/categories", """{"name":"Alpha accounts"}""");
        ids["aliceVaultEntry"] = await CreatedIdAsync(admin, "/api/v1/vault", $$"""{"name":"Alpha bank","categoryId":{{ids["aliceVaultCategory"]}},"password":"alpha bank password"}""");
        // Alice shares each of her records with carol, for reading or for editing in turn: a record
        // shared with someone else is as hidden from bob as one shared with nobody, on every path.
        var aliceClient = await app.SignInAsync("alice@crm.test", Password);
        foreach (var ((name, module), i) in Hidden.Where(h => s_shareable.Contains(h.Module)).Select((h, i) => (h, i)))
        {
            await CreatedIdAsync(aliceClient, $"/api/v1/{module}/{ids[name]}/shares", $$"""{"userId":"{{carol.Id}}","access":"{{(i % 2 == 0 ? "read" : "edit")}}"}""");
        }

        return new LinkedRecordWorld(app, alice, bob, carol, a, b, ids);
    }

    /// <summary>The modules of <see cref="Hidden"/> whose records can be shared (the vault's cannot).</summary>
    private static readonly HashSet<string> s_shareable = ["companies", "contacts", "deals", "tasks", "leads", "products", "emails", "memos"];

    /// <summary>Bob's records that link to alice's, by module.</summary>
    public static readonly (string Name, string Module)[] Bobs =
    [
        ("bobCompany", "companies"), ("bobContactAtAlices", "contacts"), ("bobDealAtAlices", "deals"), ("bobTaskUnderAlices", "tasks"), ("bobMemo", "memos"),
        ("bobEmailAboutAlices", "emails"),
    ];

    /// <summary>
    /// Custom field values, open and admin-only, on alice's records and bob's of every module that has
    /// custom fields (<see cref="FieldValueWitness"/>); the names of alice's.
    /// </summary>
    public async Task<IReadOnlyList<string>> WitnessAsync()
    {
        var admin = await App.SignInAsAdminAsync();
        foreach (var module in Hidden.Concat(Bobs).GroupBy(h => h.Module))
        {
            await FieldValueWitness.SetUpAsync(admin, module.Key, module.ToDictionary(h => h.Name, h => this[h.Name]));
        }

        return [.. Hidden.Where(h => Crm.Web.Records.ReadableModules.Find(h.Module) is not null).Select(h => h.Name)];
    }

    private static async Task<int> CreatedIdAsync(PageClient admin, string url, string json)
    {
        var response = await admin.PostJsonAsync(url, json);
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt32();
    }

    public static Task<int> TaskAsync(CrmApp app, string title, Guid owner, int? department, int? parentId = null, string? relatedModule = null, int? relatedId = null) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var task = new CrmTask
            {
                Title = title, OwnerId = owner, DepartmentId = department, ParentId = parentId, RelatedModule = relatedModule, RelatedId = relatedId,
                CreatedAt = now, ModifiedAt = now, Version = 1, Responsible = [new TaskResponsible { UserId = owner }],
            };
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
            return task.Id;
        });

    public static Task<int> MemoAsync(CrmApp app, string title, Guid author, Guid recipient, int? department, string? relatedModule, int? relatedId) =>
        app.InDatabaseAsync(async db =>
        {
            var now = app.Clock.GetUtcNow().UtcDateTime;
            var memo = new Memo
            {
                Title = title, Body = "Please read.", AuthorId = author, RecipientId = recipient, OwnerId = author, DepartmentId = department,
                RelatedModule = relatedModule, RelatedId = relatedId, CreatedAt = now, ModifiedAt = now, Version = 1,
            };
            db.Memos.Add(memo);
            await db.SaveChangesAsync();
            return memo.Id;
        });

    /// <summary>
    /// Every CRM record and file as (module, id) → owner, department, version: a record outside
    /// bob's scope that changed owner, content (its version) or existence shows as a difference.
    /// </summary>
    public Task<Dictionary<(string, int), (Guid, int?, int)>> SnapshotAsync() =>
        App.InDatabaseAsync(async db =>
        {
            var all = new Dictionary<(string, int), (Guid, int?, int)>();
            async Task AddAsync<T>(string module, IQueryable<T> records)
                where T : OwnedRecord
            {
                foreach (var r in await records.Select(r => new { r.Id, r.OwnerId, r.DepartmentId, r.Version }).ToListAsync())
                {
                    all[(module, r.Id)] = (r.OwnerId, r.DepartmentId, r.Version);
                }
            }

            await AddAsync("companies", db.Companies);
            await AddAsync("contacts", db.Contacts);
            await AddAsync("deals", db.Deals);
            await AddAsync("leads", db.Leads);
            await AddAsync("products", db.Products);
            await AddAsync("emails", db.LoggedEmails);
            await AddAsync("tasks", db.Tasks);
            await AddAsync("memos", db.Memos);
            await AddAsync("files", db.FileObjects);
            return all;
        });

    /// <summary>The snapshot's entries of alice's records (owned by her, or in her department).</summary>
    public IEnumerable<KeyValuePair<(string, int), (Guid, int?, int)>> Alices(Dictionary<(string, int), (Guid, int?, int)> snapshot) =>
        snapshot.Where(e => e.Value.Item1 == Alice.Id || e.Value.Item2 == DepartmentA);
}
