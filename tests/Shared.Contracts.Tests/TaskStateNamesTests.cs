using System.Reflection;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Shared.Contracts.Tests;

public sealed class TaskStateNamesTests
{
    [Fact]
    public void EveryStateHasItsApiSpellingAsAConstant_AndNoConstantNamesAnUnknownState()
    {
        var constants = typeof(TaskStateNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

        Assert.Equal(Enum.GetNames<TaskState>().Order(), constants.Keys.Order());
        foreach (var state in Enum.GetValues<TaskState>())
            Assert.Equal(state.ToApi(), constants[state.ToString()]);
    }
}
