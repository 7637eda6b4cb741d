using Crm.Tests.Infrastructure;
using Crm.Web.Features.Companies;
using Crm.Web.Features.Contacts;
using Crm.Web.Features.Deals;
using Crm.Web.Features.Leads;
using Crm.Web.Features.LoggedEmails;
using Crm.Web.Features.Memos;
using Crm.Web.Features.Products;
using Crm.Web.Features.Tasks;

namespace Crm.Tests.Records;

/// <summary>
/// The object forms as built by the shared field element (<c>crm-field</c>): on every form, each
/// label names a control posted as <c>Input.X</c> with the id <c>Input_X</c>, each validation message
/// belongs to a posted field, each described-by id exists, and the text fields keep their entity's
/// maxlength. A field the element got wrong (a lost id, a help text nothing points to) fails here.
/// </summary>
public sealed class RecordFormMarkupTests
{
    private static readonly (string Form, string Field, int MaxLength)[] s_forms =
    [
        ("/companies/new", "Name", Company.NameMaxLength),
        ("/contacts/new", "FirstName", Contact.NameMaxLength),
        ("/leads/new", "FirstName", Lead.NameMaxLength),
        ("/deals/new", "Title", Deal.TitleMaxLength),
        ("/products/new", "Code", Product.CodeMaxLength),
        ("/tasks/new", "Title", CrmTask.TitleMaxLength),
        ("/memos/new", "Title", Memo.TitleMaxLength),
        ("/emails/new", "Subject", LoggedEmail.SubjectMaxLength),
    ];

    [Fact]
    public async Task Every_object_form_labels_describes_and_validates_the_fields_it_posts()
    {
        await using var app = new CrmApp();
        var admin = await app.SignInAsAdminAsync();
        foreach (var (url, field, maxLength) in s_forms)
        {
            var (response, page) = await admin.GetPageAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}");
            var form = page.QuerySelector("main form[method=post]")!;
            var labels = form.QuerySelectorAll("label.form-label[for^='Input_']").ToList();
            Assert.True(labels.Count >= 3, $"{url}: {labels.Count} field labels");
            foreach (var label in labels)
            {
                var id = label.GetAttribute("for")!;
                var control = page.GetElementById(id);
                Assert.True(control is not null, $"{url}: the label '{label.TextContent}' names no element {id}");
                Assert.Equal("Input." + id["Input_".Length..], control.GetAttribute("name"));
                Assert.False(string.IsNullOrWhiteSpace(label.TextContent), $"{url}: {id} has an empty label");
            }

            foreach (var message in form.QuerySelectorAll("span[data-valmsg-for]"))
            {
                var name = message.GetAttribute("data-valmsg-for")!;
                Assert.True(form.QuerySelector($"[name='{name}']") is not null, $"{url}: a message for {name}, which is not posted");
                Assert.Contains("text-danger", message.ClassList);
            }

            foreach (var described in form.QuerySelectorAll("[aria-describedby]"))
            {
                foreach (var id in described.GetAttribute("aria-describedby")!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.True(page.GetElementById(id) is not null, $"{url}: {described.GetAttribute("name")} is described by a missing {id}");
                }
            }

            var text = page.GetElementById("Input_" + field)!;
            Assert.Equal(maxLength.ToString(System.Globalization.CultureInfo.InvariantCulture), text.GetAttribute("maxlength"));
            Assert.Equal("form-control", text.GetAttribute("class"));
            Assert.Equal("off", text.GetAttribute("autocomplete"));
        }

        // A refused save shows the message beside its field, and the field keeps what was typed.
        var refused = await admin.SubmitAsync("/products/new", new() { ["Input.Code"] = "", ["Input.Name"] = "Widget", ["Input.Price"] = "1.00" });
        var document = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(document.QuerySelector("span[data-valmsg-for='Input.Code']")!.TextContent));
        Assert.Equal("Widget", document.GetElementById("Input_Name")!.GetAttribute("value"));
        Assert.Equal("price-help", document.GetElementById("Input_Price")!.GetAttribute("aria-describedby"));
    }
}
