package dev.weir.cli.completion;

/**
 * What weirctl adds to picocli's completion script, which knows the commands and options but not
 * the pools: a function that asks {@code weirctl __complete} when picocli offers nothing, and
 * registrations for every way the README runs weirctl ({@code bin/weirctl}, any path to it).
 * Written for both bash and zsh (through bashcompinit): no arrays indexed, no bash-only syntax.
 */
final class ShellScript {

  private ShellScript() {}

  static String dynamic() {
    return """

        # Pool names and backend addresses: only the control plane knows them, so at TAB time the
        # script asks 'weirctl __complete' (with the connection flags on the line; 2 s at most,
        # and nothing on failure) whenever picocli's completion above has nothing to offer.
        function _weirctl_from_control_plane() {
          local line=${COMP_LINE:0:$COMP_POINT}
          local cur=${line##*[[:space:]]}
          local before=${line%"$cur"}
          local found
          found=$(
            if [ -n "${ZSH_VERSION:-}" ]; then setopt noglob shwordsplit; else set -f; fi
            set -- $before
            program=$1
            shift
            case $program in "~/"*) program=$HOME/${program#"~/"} ;; esac
            opts=()
            prev=""
            for word in "$@"; do
              case $prev in
                --control-plane|--tls-ca|--tls-cert|--tls-key|--token-file)
                  opts+=("$prev" "$word") ;;
              esac
              case $word in
                --control-plane=*|--tls-ca=*|--tls-cert=*|--tls-key=*|--token-file=*)
                  opts+=("$word") ;;
              esac
              prev=$word
            done
            "$program" "${opts[@]}" __complete -- "$@" "$cur" 2>/dev/null
          )
          [ -n "$found" ] || return 0
          # bash replaces only the part of the word after its last ':' or '=' (COMP_WORDBREAKS);
          # zsh replaces the whole word.
          local head="" breaks=""
          if [ -z "${ZSH_VERSION:-}" ]; then
            case ${COMP_WORDBREAKS-} in *=*) breaks="=" ;; esac
            case ${COMP_WORDBREAKS-} in *:*) breaks="$breaks:" ;; esac
            if [ -n "$breaks" ]; then head=${cur%"${cur##*[$breaks]}"}; fi
          fi
          local candidate
          COMPREPLY=()
          while IFS= read -r candidate; do
            COMPREPLY+=("${candidate#"$head"}")
          done <<< "$found"
        }

        function _weirctl() {
          _complete_weirctl "$@"
          if [ ${#COMPREPLY[@]} -eq 0 ]; then
            _weirctl_from_control_plane
          fi
        }

        # As the README runs it, and from any directory or install path.
        complete -F _weirctl -o default weirctl bin/weirctl ./bin/weirctl
        if [ -n "${ZSH_VERSION:-}" ]; then
          compdef '_bash_complete -F _weirctl -o default' -p '*/weirctl'
        fi
        """;
  }
}
