using System.Security.Cryptography;
using System.Text;
using Crm.Tests.Infrastructure;
using Crm.Web.Features.ApiTokens;

namespace Crm.Tests.ApiTokens;

[Trait(TestLanes.Database, TestLanes.None)]
public sealed class ApiTokenFormatTests
{
    [Fact]
    public void An_issued_token_has_the_documented_shape_and_its_hash_is_the_sha256_of_the_secret()
    {
        var issued = ApiTokenFormat.Issue();

        Assert.Matches(TokenKit.TokenShape(), issued.Token);
        Assert.Equal(issued.Prefix, TokenKit.PrefixOf(issued.Token));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(TokenKit.SecretOf(issued.Token))));
        Assert.Equal(expected, issued.SecretHash);
        Assert.True(ApiTokenFormat.TryParse(issued.Token, out var prefix, out var secret));
        Assert.Equal(issued.Prefix, prefix);
        Assert.True(ApiTokenFormat.Matches(secret, issued.SecretHash));
    }

    [Fact]
    public void Issued_tokens_do_not_repeat()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => ApiTokenFormat.Issue()).ToList();
        Assert.Equal(200, tokens.Select(t => t.Token).Distinct().Count());
        Assert.Equal(200, tokens.Select(t => t.Prefix).Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("crm_")]
    [InlineData("crm_abcdefgh_")]
    [InlineData("CRM_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("crm_ABCDEFGH_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // upper case is not in the prefix alphabet
    [InlineData("crm_abcdefgi_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // nor is i
    [InlineData("crm_abcdefgh-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("crm_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // one short
    [InlineData("crm_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // one long
    [InlineData("crm_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("crm_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("crm_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé")]
    public void Anything_but_the_exact_shape_is_refused_before_the_database(string? token) =>
        Assert.False(ApiTokenFormat.TryParse(token, out _, out _));

    [Fact]
    public void A_wrong_secret_or_a_damaged_stored_hash_does_not_match()
    {
        var issued = ApiTokenFormat.Issue();
        var secret = TokenKit.SecretOf(issued.Token);
        var other = (secret[0] == 'A' ? "B" : "A") + secret[1..];

        Assert.False(ApiTokenFormat.Matches(other, issued.SecretHash));
        Assert.False(ApiTokenFormat.Matches(secret, ""));
        Assert.False(ApiTokenFormat.Matches(secret, issued.SecretHash[..^1]));
        Assert.False(ApiTokenFormat.Matches(secret, new string('z', 64)));
        Assert.True(ApiTokenFormat.Matches(secret, issued.SecretHash.ToUpperInvariant()));
    }
}
