// `kstern --completion bash|zsh|fish`: shell scripts that ask `kstern __complete <words…>` for the
// candidates (cobra's pattern, as stern does), so flag values, namespaces, nodes, contexts and object
// names are always those of the running binary and the live cluster. An empty answer falls back to
// file-name completion (for --kubeconfig, --template-file, ...).
import type { Shell } from '../config/config.ts';

const BASH = `# bash completion for kstern                                -*- shell-script -*-
# Load it with:  source <(kstern --completion bash)

__kstern_complete_words()
{
    # The words up to the cursor, split on blanks only: COMP_WORDS would also split at '=' and ':'.
    local line="\${COMP_LINE:0:COMP_POINT}"
    read -r -a __kstern_words <<< "$line"
    if [[ -z $line || $line == *[[:space:]] ]]; then
        __kstern_words+=("")
    fi
}

__start_kstern()
{
    local __kstern_words=() out cur prefix c
    COMPREPLY=()
    __kstern_complete_words
    (( \${#__kstern_words[@]} > 0 )) || return
    cur="\${__kstern_words[\${#__kstern_words[@]}-1]}"
    out=$("\${__kstern_words[0]}" __complete "\${__kstern_words[@]:1}" 2>/dev/null) || return
    # Bash replaces only the part of the word after its last '=' or ':': drop what comes before.
    prefix="\${cur%"\${cur##*[=:]}"}"
    while IFS='' read -r c; do
        [[ -n $c ]] && COMPREPLY+=("\${c#"$prefix"}")
    done <<< "$out"
    # "deployment/" and "--flag=" are not complete words yet: no space after them.
    if (( \${#COMPREPLY[@]} == 1 )) && [[ \${COMPREPLY[0]} == */ || \${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -o default -F __start_kstern kstern
`;

const ZSH = `#compdef kstern
compdef _kstern kstern
# zsh completion for kstern. Load it with:  source <(kstern --completion zsh)  (after compinit)

_kstern()
{
    local -a cands words_slash words_other
    local out cur=\${words[CURRENT]}
    out=$(\${words[1]} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)
    cands=(\${(f)out})
    if (( \${#cands} == 0 )); then
        _files
        return
    fi
    if [[ $cur == -*=* ]]; then
        # --flag=value: complete the value after the '='.
        compset -P '*='
        cands=(\${cands#*=})
    fi
    words_slash=(\${(M)cands:#*/})
    words_other=(\${cands:#*/})
    (( \${#words_slash} )) && compadd -Q -S '' -- "\${words_slash[@]}"
    (( \${#words_other} )) && compadd -Q -- "\${words_other[@]}"
    return 0
}

# don't run the completion function when being sourced or eval-ed
if [ "$funcstack[1]" = "_kstern" ]; then
    _kstern "$@"
fi
`;

const FISH = `# fish completion for kstern. Load it with:  kstern --completion fish | source

function __kstern_prepare_completions
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -e tokens[1]
    set -g __kstern_comp_results (kstern __complete $tokens $current 2>/dev/null)
    # No candidates: let fish complete file names.
    test (count $__kstern_comp_results) -gt 0
end

complete -c kstern -e
complete -c kstern -n '__kstern_prepare_completions' -f -a '$__kstern_comp_results'
`;

/** The completion script for a shell. */
export function completionScript(shell: Shell): string {
  return shell === 'bash' ? BASH : shell === 'zsh' ? ZSH : FISH;
}
