namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>One rule for user and volume names, which station and unit both apply.</summary>
public sealed class UserNameRuleTests
{
    [Theory]
    [InlineData("j.doe")]
    [InlineData("alice")]
    [InlineData("a-b")]
    [InlineData("svc_backup")]
    [InlineData(".hidden")]
    public void User_names_take_letters_digits_dots_dashes_and_underscores(string name)
    {
        Assert.True(NameRules.IsValidUser(name));
        Assert.Null(NameRules.UserProblem(name, "username"));
        Assert.Null(NameRules.OwnerProblem(name, "owner"));
    }

    [Theory]
    [InlineData("", "'username' must be 1–64 letters, digits, '-', '_' or '.'")]
    [InlineData("a/b", "'username' must be 1–64 letters, digits, '-', '_' or '.'")]
    [InlineData("jö", "'username' must be 1–64 letters, digits, '-', '_' or '.'")]
    [InlineData(".", "'username' may not be '.' or '..'")]
    [InlineData("..", "'username' may not be '.' or '..'")]
    public void Other_user_names_are_refused_with_the_rule(string name, string message)
    {
        Assert.False(NameRules.IsValidUser(name));
        Assert.Equal(message, NameRules.UserProblem(name, "username"));
    }

    [Fact]
    public void User_names_are_at_most_64_characters()
    {
        Assert.True(NameRules.IsValidUser(new string('a', 64)));
        Assert.False(NameRules.IsValidUser(new string('a', 65)));
    }

    [Theory]
    [InlineData("scratch", true)]
    [InlineData("b-c", true)]
    [InlineData("data_1", true)]
    [InlineData("x.y", false)]
    [InlineData("-x", false)]
    [InlineData("_x", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void Volume_names_take_letters_digits_dashes_and_underscores_starting_plain(string name, bool valid)
    {
        Assert.Equal(valid, NameRules.IsValidVolume(name));
        Assert.Equal(valid, NameRules.VolumeProblem(name, "name") is null);
    }
}
