using System.CommandLine;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>completion bash|zsh|fish</c>: a script for the shell that asks ccdsvm itself for completions through System.CommandLine's
/// <c>[suggest:POSITION]</c> directive, so commands, options and kinds complete exactly as the parser knows them.
/// </summary>
public static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var command = new Command("completion", "Print a shell completion script: source <(ccdsvm completion bash), or add it to ~/.bashrc, ~/.zshrc, ~/.config/fish/completions/ccdsvm.fish.") { shell };
        command.SetAction(parse =>
        {
            System.Console.Out.Write(Script(parse.GetValue(shell)!));
            return ExitCodes.Success;
        });
        return command;
    }

    public static string Script(string shell) => shell switch
    {
        "bash" => """
            # ccdsvm completion for bash: source <(ccdsvm completion bash)
            _ccdsvm_complete()
            {
                local cur="${COMP_WORDS[COMP_CWORD]}" IFS=$'\n'
                local -a candidates
                mapfile -t candidates < <("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
                mapfile -t COMPREPLY < <(compgen -W "${candidates[*]}" -- "$cur")
            }
            complete -o default -F _ccdsvm_complete ccdsvm

            """,
        "zsh" => """
            #compdef ccdsvm
            # ccdsvm completion for zsh: source <(ccdsvm completion zsh)
            _ccdsvm()
            {
                local -a candidates
                candidates=("${(@f)$(${words[1]} "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
                compadd -a candidates
            }
            compdef _ccdsvm ccdsvm

            """,
        "fish" => """
            # ccdsvm completion for fish: ccdsvm completion fish > ~/.config/fish/completions/ccdsvm.fish
            function __ccdsvm_complete
                set -l line (commandline -cp)
                ccdsvm "[suggest:"(string length -- $line)"]" "$line" 2>/dev/null
            end
            complete -c ccdsvm -f -a '(__ccdsvm_complete)'

            """,
        _ => throw new CliException(ExitCodes.Usage, $"no completion for '{shell}': bash, zsh or fish"),
    };
}
