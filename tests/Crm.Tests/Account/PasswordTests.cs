using System.Buffers.Binary;
using System.Net;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using KeyDerivationPrf = Microsoft.AspNetCore.Cryptography.KeyDerivation.KeyDerivationPrf;

namespace Crm.Tests.Account;

public sealed class PasswordTests
{
    [Fact]
    public async Task A_temporary_password_must_be_changed_before_anything_else()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("raj@crm.test", "temporary passphrase 1", mustChangePassword: true);
        var client = app.NewClient();

        var signIn = await client.SubmitAsync("/account/sign-in", new() { ["Input.Email"] = "raj@crm.test", ["Input.Password"] = "temporary passphrase 1" });
        Assert.Equal("/account/change-password", signIn.Headers.Location!.OriginalString);

        var home = await client.Http.GetAsync("/");
        Assert.Equal("/account/change-password", home.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.Http.GetAsync("/api/v1/me")).StatusCode);

        var (_, page) = await client.GetPageAsync("/account/change-password");
        Assert.Contains("temporary password", page.QuerySelector(".alert-warning")!.TextContent, StringComparison.Ordinal);

        var changed = await client.SubmitAsync(page, new()
        {
            ["Input.CurrentPassword"] = "temporary passphrase 1",
            ["Input.NewPassword"] = "my own passphrase 2",
            ["Input.ConfirmNewPassword"] = "my own passphrase 2",
        });
        Assert.Equal("/", changed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/")).StatusCode);
        Assert.False(await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == "raj@crm.test").Select(u => u.MustChangePassword).SingleAsync()));
    }

    [Fact]
    public async Task Changing_the_password_ends_every_other_session_and_keeps_this_one()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("sofia@crm.test", "first passphrase here");
        var laptop = await app.SignInAsync("sofia@crm.test", "first passphrase here");
        var phone = await app.SignInAsync("sofia@crm.test", "first passphrase here");

        var changed = await laptop.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = "first passphrase here",
            ["Input.NewPassword"] = "second passphrase here",
            ["Input.ConfirmNewPassword"] = "second passphrase here",
        });
        Assert.Equal("/account/change-password?done=true", changed.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.OK, (await laptop.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.Http.GetAsync("/")).StatusCode);
        Assert.Equal(1, await app.InDatabaseAsync(db => db.UserSessions.CountAsync(s => s.User!.Email == "sofia@crm.test" && s.RevokedAt == null)));
        await app.SignInAsync("sofia@crm.test", "second passphrase here");
    }

    [Theory]
    [InlineData("short one", "at least 10 characters")]
    [InlineData("password123", "most commonly used")]
    [InlineData("tom@crm.test", "must not be your email")]
    public async Task Weak_new_passwords_are_refused_with_a_reason(string newPassword, string expected)
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("tom@crm.test", "a good long passphrase");
        var client = await app.SignInAsync("tom@crm.test", "a good long passphrase");

        var response = await client.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = "a good long passphrase",
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmNewPassword"] = newPassword,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Contains(expected, page.FieldError("Input.NewPassword"), StringComparison.Ordinal);
        await app.SignInAsync("tom@crm.test", "a good long passphrase");
    }

    [Fact]
    public async Task Long_passphrases_are_welcome_up_to_256_characters()
    {
        await using var app = new CrmApp();
        await app.CreateUserAsync("tom@crm.test", "a good long passphrase");
        var client = await app.SignInAsync("tom@crm.test", "a good long passphrase");
        var passphrase = string.Concat(Enumerable.Repeat("correct horse battery staple ", 9))[..256];

        var accepted = await client.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = "a good long passphrase",
            ["Input.NewPassword"] = passphrase,
            ["Input.ConfirmNewPassword"] = passphrase,
        });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);

        var tooLong = passphrase + "x";
        var refused = await client.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = passphrase,
            ["Input.NewPassword"] = tooLong,
            ["Input.ConfirmNewPassword"] = tooLong,
        });
        var page = await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync());
        Assert.Contains("at most 256", page.FieldError("Input.NewPassword"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_current_password_or_mismatched_repeat_is_explained_per_field()
    {
        await using var app = new CrmApp();
        var client = await app.SignInAsAdminAsync();

        var response = await client.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = "not my password at all",
            ["Input.NewPassword"] = "brand new passphrase",
            ["Input.ConfirmNewPassword"] = "brand new passphrase",
        });
        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("The current password is not correct.", page.FieldError("Input.CurrentPassword"));

        response = await client.SubmitAsync("/account/change-password", new()
        {
            ["Input.CurrentPassword"] = CrmApp.AdminPassword,
            ["Input.NewPassword"] = "brand new passphrase",
            ["Input.ConfirmNewPassword"] = "another passphrase",
        });
        page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        Assert.Equal("The two new passwords do not match.", page.FieldError("Input.ConfirmNewPassword"));
        await app.SignInAsAdminAsync();
    }

    [Fact]
    public void The_common_password_list_ships_with_ten_thousand_entries()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "Shipped", "common-passwords.txt");
        Assert.Equal(10_000, File.ReadLines(path).Count(l => l.Length > 0));
        Assert.True(PasswordPolicy.IsCommon("Password123"));
        Assert.True(PasswordPolicy.IsCommon("qwertyuiop"));
        Assert.False(PasswordPolicy.IsCommon("orbit lantern walnut 42"));
    }

    [Fact]
    public async Task Passwords_are_hashed_with_pbkdf2_sha512_at_210000_iterations_by_default()
    {
        // An empty database: the first administrator is made by this start, with the production setting.
        await using var app = new CrmApp(TestDatabase.Empty()).With("Security:PasswordHashIterations", null);
        _ = app.Server; // start the app with the production setting

        Assert.Equal(AccountSetup.DefaultHashIterations, app.Services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value.IterationCount);
        var hash = await app.InDatabaseAsync(db => db.Users.Where(u => u.Email == CrmApp.AdminEmail).Select(u => u.PasswordHash).SingleAsync());
        var bytes = Convert.FromBase64String(hash!);
        Assert.Equal(0x01, bytes[0]); // Identity v3 format
        Assert.Equal((uint)KeyDerivationPrf.HMACSHA512, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        Assert.True(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)) >= 210_000);
    }
}
