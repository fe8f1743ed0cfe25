#!/usr/bin/env escript
%% -*- erlang -*-
%%
%% terms.escript -- beamlab BEAM oracle: term sizes, sharing, sub-binaries, term order
%%
%% HOW TO RUN (from the repo root; one argument = output directory)
%%   escript tooling/beam-oracle/recorders/terms.escript tooling/beam-oracle/fixtures
%% writes <dir>/terms.json (~2.7 MB; one JSON object per line inside each array).
%% Needs Erlang/OTP 25 (recorded with erts 13.1.5, 64-bit, JIT, default emulator flags).
%%
%% WHAT IT RECORDS (every number is measured on the running BEAM, nothing is computed here)
%%   header       otp_release, erts_version, wordsize, node, creation.
%%   "terms"      canonical corpus. For each entry the Erlang `source` is evaluated with
%%                erl_eval (funs: by compiled code in this module, see fun_specs/0), then
%%                T = binary_to_term(term_to_binary(Value)) -- the layout a process holds after
%%                receiving the value -- and we record io_lib:format("~w", [T]) as `text`
%%                (null when longer than 20000 characters), base64(term_to_binary(T)) as `etf`,
%%                erts_debug:flat_size(T), erts_debug:size(T), erts_internal:term_type(T).
%%   "shared"     terms with sharing. Each binding text is parsed (erl_scan/erl_parse) and
%%                evaluated with erl_eval, the variable is bound, then the body is evaluated
%%                with those bindings; flat_size/size are measured on the result directly
%%                (no term_to_binary, which would lose the sharing).
%%   "constructed" sub-binary producing operations on a parent binary that is built at run
%%                time (binary:copy/list_to_binary) inside a fresh process spawned with
%%                {min_heap_size, 100000}. flat_size/size/term_type are taken immediately
%%                (the script asserts no GC happened yet: minor_gcs = 0 and recent_size = 0),
%%                then erlang:garbage_collect() and flat_size/term_type again (*_after_gc);
%%                the result is used after the GC so it stays live. Ops and args:
%%                  binary_part  [Pos, Len]      binary:part(P, Pos, Len)
%%                  match_binary [Skip, Len]     <<_:Skip/binary, S:Len/binary, _/binary>> = P
%%                  match_rest   [Skip]          <<_:Skip/binary, Rest/binary>> = P
%%                  split_binary [Pos, E]        element(E, split_binary(P, Pos))
%%                  match_bits   [Skip, Len]     <<_:Skip, S:Len/bitstring, _/bitstring>> = P
%%                  binary_copy  [Pos, Len]      binary:copy(binary:part(P, Pos, Len))
%%                  binary_split [Byte, E]       lists:nth(E, binary:split(P, <<Byte>>))
%%                  append_byte  [N]             N times P1 = <<P0/binary, K>> (K = N..1)
%%                parents: "<<0:8000>>" = binary:copy(<<0>>, 1000) (refc), and
%%                list_to_binary(lists:seq(1, 60)) (a 60-byte heap binary, text as ~w prints it).
%%   "hamt_int_keys" [N, erts_debug:flat_size(maps:from_list([{I, I} || I <- lists:seq(1, N)]))]
%%                for N = 0..1100, 2000, 4096, 10000, 65536.
%%   "order"      for ~150 deterministic ids of "terms" (canonical values), for every pair
%%                (i, j), i < j, row-major: `compare` gets '<' if Ti < Tj, '=' if Ti == Tj,
%%                else '>'; `exact_equal` gets '1' if Ti =:= Tj else '0'.
%%
%% DETERMINISM (checked by running twice into two directories and diffing)
%%   Everything is byte-identical between runs except the `text`/`etf` of the entries marked
%%   "deterministic": false, i.e. local refs (make_ref, monitor, alias: numbers change every
%%   run) and, conservatively, the local pid (self(), <0.9.0>) and local port (#Port<0.0>),
%%   which were stable in our runs but depend on the runtime's boot sequence. Sizes of all
%%   entries were identical between runs.
%%   * Funs ARE deterministic, but only because this file declares a fixed -module name:
%%     without it escript names the module "<script>__escript__<unique numbers>", so fun text
%%     and ETF would change every run. A fun's ETF also contains the module MD5 (changes when
%%     this file's code changes) and the creator pid (<0.9.0>, the escript main process).
%%   * hamt_atom_keys_40 is marked false: atom keys hash the atom-table index, so its layout,
%%     ~w key order and ETF depend on the VM's atom creation order (stable for a fixed script
%%     and OTP build, but not something a simulator can predict).
%%   * External pid/port/ref text prints the node as a channel number ("<13458.5.0>"). For a
%%     node that is not connected that number is the atom-table index of the node-name atom
%%     ('a@b'; creating 100 extra atoms first shifts it by exactly 100), so it is stable for a
%%     fixed script but shifts if the script's atom usage changes.
%%     Their ETF is fully deterministic. (The external pid is decoded from a well-formed
%%     NEW_PID_EXT: node, ID 5, serial 0, creation 1; binary_to_term/1 silently ignores extra
%%     trailing bytes, so a malformed 4-word variant would also "work".)
%%
%% THINGS THIS RECORDER FOUND ON OTP 25.2.3 / erts 13.1.5 (see the fixture for the numbers)
%%   * erl_eval keeps sharing: a variable used twice in the body refers to one heap object, so
%%     erts_debug:size counts it once ({X, X} of a 10-element list, [X, X, X] of a 3-tuple);
%%     nothing becomes a code literal (a compiled literal [T, T, T] would lose the sharing).
%%     BUT erl_eval's bit-syntax evaluator builds binaries by appending: <<1,2,3>> evaluates to
%%     a sub-binary of a writable refc binary (flat_size 6, canonical heap binary 3) and
%%     <<1:3>> to flat_size 11 (canonical 8). Literal binding texts (no variables) are
%%     therefore canonicalised with binary_to_term(term_to_binary(V)) before being bound, and
%%     binding texts that use variables, and bodies, must not contain bit syntax.
%%   * Extracting <= 64 bytes (binary:part/3, binary matching incl. a Rest/binary tail,
%%     split_binary/2, binary:split/2) yields a heap binary immediately, even before any GC;
%%     no entry changes flat_size or term_type across the forced GC.
%%   * alias() is a 4-word reference in the creating process, but after term_to_binary/
%%     binary_to_term it is an ordinary 3-word reference (ref_alias).
%%   * ~w prints latin-1 letter atoms unquoted (ünïcödé) but escapes code points > 255 in
%%     quoted atoms ('\x{65E5}\x{672C}'); strings print as integer lists, binaries as byte lists.
%%   * 0.0 == -0.0 and 0.0 =:= -0.0 are both true on OTP 25 (see "order").
-module(beamlab_terms_recorder).
-mode(compile).

-export([main/1]).

-define(TEXT_LIMIT, 20000).

%% ===================================================================
%% entry point
%% ===================================================================

main([OutDir]) ->
    ok = filelib:ensure_dir(filename:join(OutDir, "x")),
    Specs = dedupe(term_specs()),
    Terms = [measure_term(S) || S <- Specs],
    Shared = [measure_shared(S) || S <- shared_specs()],
    Constructed = [measure_constructed(S) || S <- constructed_specs()],
    HamtInt = [[N, erts_debug:flat_size(maps:from_list([{I, I} || I <- lists:seq(1, N)]))]
               || N <- lists:seq(0, 1100) ++ [2000, 4096, 10000, 65536]],
    Order = order_section(Specs),
    Doc = [<<"{\n">>,
           kv(<<"recorder">>, <<"terms.escript">>), <<",\n">>,
           kv(<<"otp_release">>, list_to_binary(erlang:system_info(otp_release))), <<", ">>,
           kv(<<"erts_version">>, list_to_binary(erlang:system_info(version))), <<", ">>,
           kv(<<"wordsize">>, erlang:system_info(wordsize)), <<", ">>,
           kv(<<"node">>, atom_to_binary(node(), utf8)), <<", ">>,
           kv(<<"creation">>, erlang:system_info(creation)), <<",\n">>,
           array_section(<<"terms">>, Terms), <<",\n">>,
           array_section(<<"shared">>, Shared), <<",\n">>,
           array_section(<<"constructed">>, Constructed), <<",\n">>,
           array_section(<<"hamt_int_keys">>, [json(R) || R <- HamtInt]), <<",\n">>,
           <<"\"order\": ">>, Order, <<"\n">>,
           <<"}\n">>],
    Path = filename:join(OutDir, "terms.json"),
    ok = file:write_file(Path, Doc),
    io:format("wrote ~s: ~b terms, ~b shared, ~b constructed, ~b hamt_int_keys rows~n",
              [Path, length(Terms), length(Shared), length(Constructed), length(HamtInt)]);
main(_) ->
    io:format(standard_error, "usage: escript terms.escript OUTPUT_DIR~n", []),
    halt(1).

%% ===================================================================
%% "terms": the canonical corpus
%% ===================================================================

%% A spec is {Id, Category, Source, Build, Deterministic}
%%   Build = eval          -> Source is evaluated with erl_eval
%%   Build = fun() -> V    -> compiled code builds the value; Source documents it.

measure_term({Id, Cat, Src, Build, Det}) ->
    V = build(Src, Build),
    T = binary_to_term(term_to_binary(V)),
    Etf = term_to_binary(T),
    Text = unicode:characters_to_binary(io_lib:format("~w", [T])),
    TextJ = case string:length(Text) > ?TEXT_LIMIT of
                true -> null;
                false -> Text
            end,
    obj([{<<"id">>, bin(Id)},
         {<<"category">>, bin(Cat)},
         {<<"source">>, bin(Src)},
         {<<"text">>, TextJ},
         {<<"etf">>, base64:encode(Etf)},
         {<<"deterministic">>, Det},
         {<<"flat_size">>, erts_debug:flat_size(T)},
         {<<"size">>, erts_debug:size(T)},
         {<<"term_type">>, atom_to_binary(erts_internal:term_type(T), utf8)}]).

build(Src, eval) -> eval(Src);
build(_Src, F) when is_function(F, 0) -> F().

canonical({_Id, _Cat, Src, Build, _Det}) ->
    binary_to_term(term_to_binary(build(Src, Build))).

%% e(Id, Cat, Src): evaluated, deterministic.
e(Id, Cat, Src) -> {Id, Cat, Src, eval, true}.

dedupe(Specs) ->
    dedupe(Specs, #{}, []).
dedupe([], _Seen, Acc) ->
    lists:reverse(Acc);
dedupe([{Id, _, Src, _, _} = S | Rest], Seen, Acc) ->
    case Seen of
        #{Id := Src} -> dedupe(Rest, Seen, Acc);           % same id, same source: drop repeat
        #{Id := Other} -> error({duplicate_id, Id, Src, Other});
        _ -> dedupe(Rest, Seen#{Id => Src}, [S | Acc])
    end.

term_specs() ->
    lists:append([integer_specs(), float_specs(), atom_specs(), tuple_specs(), list_specs(),
                  string_specs(), improper_specs(), binary_specs(), bitstring_specs(),
                  flatmap_specs(), hamt_specs(), identifier_specs(), fun_specs(),
                  mixed_specs(), order_extra_specs()]).

i2l(I) -> integer_to_list(I).

integer_specs() ->
    Manual =
        [e("int_0", "integer", "0"),
         e("int_1", "integer", "1"),
         e("int_neg_1", "integer", "-1"),
         e("int_2", "integer", "2"),
         e("int_neg_2", "integer", "-2"),
         e("int_42", "integer", "42"),
         e("int_255", "integer", "255"),
         e("int_256", "integer", "256"),
         e("int_neg_256", "integer", "-256"),
         e("int_65535", "integer", "65535"),
         e("int_2pow27", "integer", "1 bsl 27"),
         e("int_neg_2pow27", "integer", "-(1 bsl 27)"),
         e("int_2pow27_minus1", "integer", "(1 bsl 27) - 1"),
         e("int_neg_2pow27_minus1", "integer", "-(1 bsl 27) - 1"),
         e("int_2pow31", "integer", "1 bsl 31"),
         e("int_neg_2pow31", "integer", "-(1 bsl 31)"),
         e("int_2pow32", "integer", "1 bsl 32"),
         e("int_neg_2pow32", "integer", "-(1 bsl 32)"),
         e("int_2pow58", "integer", "1 bsl 58"),
         e("int_max_small", "integer", "(1 bsl 59) - 1"),
         e("int_min_small", "integer", "-(1 bsl 59)"),
         e("big_2pow59", "bignum", "1 bsl 59"),
         e("big_neg_2pow59_minus1", "bignum", "-(1 bsl 59) - 1"),
         e("big_2pow63", "bignum", "1 bsl 63"),
         e("big_2pow63_minus1", "bignum", "(1 bsl 63) - 1"),
         e("big_2pow64_minus1", "bignum", "(1 bsl 64) - 1"),
         e("big_2pow64", "bignum", "1 bsl 64"),
         e("big_neg_2pow64", "bignum", "-(1 bsl 64)"),
         e("big_neg_2pow64_plus1", "bignum", "-(1 bsl 64) + 1"),
         e("big_2pow128_minus1", "bignum", "(1 bsl 128) - 1"),
         e("big_2pow128", "bignum", "1 bsl 128"),
         e("big_neg_2pow128", "bignum", "-(1 bsl 128)"),
         e("big_2pow1000", "bignum", "1 bsl 1000"),
         e("big_neg_2pow1000", "bignum", "-(1 bsl 1000)"),
         e("big_2pow4096", "bignum", "1 bsl 4096"),
         e("big_fact_30", "bignum", "lists:foldl(fun(I, A) -> I * A end, 1, lists:seq(1, 30))"),
         e("big_fact_100", "bignum", "lists:foldl(fun(I, A) -> I * A end, 1, lists:seq(1, 100))"),
         e("big_10pow100", "bignum", "list_to_integer([$1 | lists:duplicate(100, $0)])"),
         e("big_neg_10pow100", "bignum", "-list_to_integer([$1 | lists:duplicate(100, $0)])")],
    Ks = lists:usort(lists:seq(59, 67) ++ lists:seq(68, 260, 4) ++ [127, 129, 191, 193, 255, 257]),
    Bound =
        lists:append(
          [[int_spec("2pow" ++ i2l(K) ++ "_minus1", "(1 bsl " ++ i2l(K) ++ ") - 1", (1 bsl K) - 1),
            int_spec("2pow" ++ i2l(K), "1 bsl " ++ i2l(K), 1 bsl K)]
           || K <- Ks]),
    NegKs = [63, 64, 65, 127, 128, 129, 191, 192, 193, 255, 256, 257],
    Neg = [int_spec("neg_2pow" ++ i2l(K), "-(1 bsl " ++ i2l(K) ++ ")", -(1 bsl K)) || K <- NegKs],
    Manual ++ Bound ++ Neg.

int_spec(Name, Src, V) ->
    case V >= -(1 bsl 59) andalso V =< (1 bsl 59) - 1 of
        true -> e("int_" ++ Name, "integer", Src);
        false -> e("big_" ++ Name, "bignum", Src)
    end.

float_specs() ->
    [e("float_0", "float", "0.0"),
     e("float_neg_0", "float", "-0.0"),
     e("float_1", "float", "1.0"),
     e("float_neg_1", "float", "-1.0"),
     e("float_1_5", "float", "1.5"),
     e("float_neg_1_5", "float", "-1.5"),
     e("float_0_1", "float", "0.1"),
     e("float_pi_approx", "float", "3.14159"),
     e("float_1e15", "float", "1.0e15"),
     e("float_123456789", "float", "123456789.0"),
     e("float_1e300", "float", "1.0e300"),
     e("float_neg_2_5e_neg300", "float", "-2.5e-300"),
     e("float_min_subnormal", "float", "5.0e-324"),
     e("float_min_normal", "float", "2.2250738585072014e-308"),
     e("float_max", "float", "1.7976931348623157e308"),
     e("float_neg_max", "float", "-1.7976931348623157e308"),
     e("float_2pow59", "float", "5.764607523034235e17"),
     e("float_2pow64", "float", "18446744073709551616.0"),
     e("float_2pow53_plus1", "float", "float((1 bsl 53) + 1)")].

atom_specs() ->
    [e("atom_ok", "atom", "ok"),
     e("atom_empty", "atom", "''"),
     e("atom_hello_world", "atom", "'hello world'"),
     e("atom_quoted_upper", "atom", "'Quoted'"),
     e("atom_single_quote", "atom", "'a\\'b'"),
     e("atom_backslash", "atom", "'back\\\\slash'"),
     e("atom_double_quote", "atom", "'say\"hi'"),
     e("atom_newline", "atom", "'new\\nline'"),
     e("atom_tab", "atom", "'tab\\there'"),
     e("atom_dash", "atom", "'with-dash'"),
     e("atom_digits", "atom", "'123'"),
     e("atom_dot", "atom", "'a.b'"),
     e("atom_at", "atom", "a@b"),
     e("atom_underscore", "atom", "snake_case_Atom1"),
     e("atom_unicode_latin1", "atom", "'ünïcödé'"),
     e("atom_unicode_cjk", "atom", "'日本'"),
     e("atom_emoji", "atom", "'🙂'"),
     e("atom_true", "atom", "true"),
     e("atom_false", "atom", "false"),
     e("atom_undefined", "atom", "undefined"),
     e("atom_nil", "atom", "nil"),
     e("atom_reserved_word", "atom", "'case'"),
     e("atom_255_chars", "atom", "list_to_atom(lists:duplicate(255, $x))"),
     e("nil", "nil", "[]")].

tuple_specs() ->
    [e("tuple_0", "tuple", "{}"),
     e("tuple_1_atoms", "tuple", "{a}"),
     e("tuple_2_atoms", "tuple", "{a, b}"),
     e("tuple_3_atoms", "tuple", "{a, b, c}")] ++
    [e("tuple_" ++ i2l(N) ++ "_atoms", "tuple", "list_to_tuple(lists:duplicate(" ++ i2l(N) ++ ", a))")
     || N <- [10, 100, 1000, 65536]] ++
    [e("tuple_" ++ i2l(N) ++ "_smalls", "tuple", "list_to_tuple(lists:seq(1, " ++ i2l(N) ++ "))")
     || N <- [1, 2, 3, 10, 100, 1000, 65536]] ++
    [e("tuple_nested", "tuple", "{{a}, {b}}"),
     e("tuple_nested_5_deep", "tuple", "{1, {2, {3, {4, {5}}}}}"),
     e("tuple_nested_100_deep", "tuple", "lists:foldl(fun(I, A) -> {I, A} end, {}, lists:seq(1, 100))"),
     e("tuple_of_empty_tuples", "tuple", "{{}, {}, {}}"),
     e("tuple_of_nils", "tuple", "{[], [], []}"),
     e("tuple_of_floats", "tuple", "{1.0, 2.0, 3.0}"),
     e("tuple_of_bignums", "tuple", "{1 bsl 64, 1 bsl 128, -(1 bsl 200)}"),
     e("tuple_mixed", "tuple", "{ok, 1, 1.5, \"s\", <<\"b\">>, [], {}, #{}}")].

list_specs() ->
    [e("list_" ++ i2l(N) ++ "_smalls", "list", "lists:seq(1, " ++ i2l(N) ++ ")")
     || N <- [1, 2, 3, 10, 100, 1000, 10000]] ++
    [e("list_of_atoms", "list", "[a, b, c]"),
     e("list_of_nil", "list", "[[]]"),
     e("list_of_tuples", "list", "[{1, 2}, {3, 4}, {5, 6}]"),
     e("list_of_tuples_100", "list", "[{I, I * 2} || I <- lists:seq(1, 100)]"),
     e("list_nested", "list", "[[1], [2, [3]], [[[4]]]]"),
     e("list_deep_10", "list", "lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 10))"),
     e("list_deep_1000", "list", "lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 1000))"),
     e("list_bignums_floats", "list", "[1 bsl 64, 1.5, -(1 bsl 70), 2.0e10, 1 bsl 59]"),
     e("list_of_binaries", "list", "[<<\"a\">>, <<\"bc\">>, <<>>, list_to_binary(lists:seq(1, 100))]"),
     e("list_of_maps", "list", "[#{a => 1}, #{}, #{b => [1]}]"),
     e("list_of_empty_tuples", "list", "[{}, {}]"),
     e("list_bytes_0_255", "list", "lists:seq(0, 255)"),
     e("list_mixed", "list", "[1, a, 1.0, \"s\", {t}, <<1>>, 1 bsl 64]"),
     e("list_of_lists_10x10", "list", "[lists:seq(1, 10) || _ <- lists:seq(1, 10)]"),
     e("list_1000_atoms", "list", "lists:duplicate(1000, a)")].

string_specs() ->
    [e("string_hello", "string", "\"hello\""),
     e("string_a", "string", "\"a\""),
     e("string_hello_newline", "string", "\"hello\\nworld\""),
     e("string_quotes", "string", "\"say \\\"hi\\\" \\\\ bye\""),
     e("string_unicode_latin1", "string", "\"ünïcödé\""),
     e("string_unicode_cjk", "string", "\"日本語\""),
     e("string_emoji", "string", "\"🙂\""),
     e("string_100_x", "string", "lists:duplicate(100, $x)"),
     e("string_printable_ascii", "string", "lists:seq(32, 126)"),
     e("string_control_chars", "string", "[0, 1, 7, 8, 9, 10, 13, 27, 127]")].

improper_specs() ->
    [e("improper_1_2", "improper_list", "[1 | 2]"),
     e("improper_abc", "improper_list", "[a, b | c]"),
     e("improper_tail_binary", "improper_list", "[1 | <<2>>]"),
     e("improper_tail_tuple", "improper_list", "[1, 2 | {3}]"),
     e("improper_tail_float", "improper_list", "[1 | 2.5]"),
     e("improper_tail_map", "improper_list", "[a | #{}]"),
     e("improper_tail_bignum", "improper_list", "[1 | 1 bsl 64]"),
     e("improper_tail_empty_tuple", "improper_list", "[x | {}]"),
     e("improper_nested", "improper_list", "[[1 | 2] | [3 | 4]]"),
     e("improper_long_10", "improper_list", "lists:foldl(fun(I, A) -> [I | A] end, tail, lists:seq(1, 10))")].

varied_bin_src(N) ->
    "list_to_binary([I rem 256 || I <- lists:seq(0, " ++ i2l(N - 1) ++ ")])".

binary_specs() ->
    Sizes = [0, 1, 7, 8, 9, 15, 16, 17, 24, 25, 32, 33, 40, 48, 56, 57, 63, 64, 65, 66, 72, 100,
             256, 1000, 65536],
    [e("bin_" ++ i2l(N) ++ "_bytes", "binary", varied_bin_src(N)) || N <- Sizes] ++
    [e("bin_copy7_" ++ i2l(N), "binary", "binary:copy(<<7>>, " ++ i2l(N) ++ ")")
     || N <- [0, 1, 8, 9, 17, 63, 64, 65, 1000, 1000000]] ++
    [e("bin_text", "binary", "<<\"hello world\">>"),
     e("bin_nonprintable", "binary", "<<0, 1, 2, 127, 128, 254, 255>>"),
     e("bin_utf8", "binary", "<<\"ünïcödé 日本\"/utf8>>"),
     e("bin_quotes_backslash", "binary", "<<\"\\\"q\\\" \\\\ b\">>"),
     e("bin_all_bytes", "binary", "list_to_binary(lists:seq(0, 255))"),
     e("bin_text_100", "binary", "list_to_binary(lists:duplicate(100, $a))")].

bitstring_specs() ->
    Bits = [1, 2, 3, 7, 9, 15, 17, 63, 65, 127, 129, 511, 513, 519, 520, 521, 1023, 1025],
    [e("bits_" ++ i2l(N), bits_cat(N), "<<0:" ++ i2l(N) ++ ">>") || N <- Bits] ++
    [e("bits_ones_" ++ i2l(N), bits_cat(N), "<<-1:" ++ i2l(N) ++ ">>") || N <- [1, 7, 9, 65, 513]] ++
    [e("bits_1_1", "bitstring", "<<1:1>>"),
     e("bits_0_3", "bitstring", "<<0:3>>"),
     e("bits_5_3", "bitstring", "<<5:3>>"),
     e("bits_abc_1_3", "bitstring", "<<\"abc\", 1:3>>"),
     e("bits_varied_519", "bitstring", "<<(list_to_binary(lists:seq(1, 64)))/binary, 5:7>>"),
     e("bits_varied_521", "bitstring", "<<(list_to_binary(lists:seq(1, 65)))/binary, 1:1>>")].

bits_cat(N) when N rem 8 =:= 0 -> "binary";
bits_cat(_) -> "bitstring".

keys_src(KeyExpr, N) ->
    "maps:from_list([{" ++ KeyExpr ++ ", I} || I <- lists:seq(1, " ++ i2l(N) ++ ")])".

flatmap_specs() ->
    [e("map_empty", "flatmap", "#{}"),
     e("map_1_atom", "flatmap", "#{a => 1}"),
     e("map_2_atoms", "flatmap", "#{a => 1, b => 2}"),
     e("map_5_atoms", "flatmap", "#{a => 1, b => 2, c => 3, d => 4, e => 5}")] ++
    [e("map_atom_keys_" ++ i2l(N), "flatmap", keys_src("list_to_atom(\"k\" ++ integer_to_list(I))", N))
     || N <- [10, 31, 32]] ++
    [e("map_int_keys_" ++ i2l(N), "flatmap", keys_src("I", N)) || N <- [1, 2, 5, 10, 31, 32]] ++
    [e("map_bin_keys_" ++ i2l(N), "flatmap", keys_src("<<\"key\", I:32>>", N)) || N <- [1, 5, 32]] ++
    [e("map_tuple_keys_" ++ i2l(N), "flatmap", keys_src("{I, I}", N)) || N <- [5, 32]] ++
    [e("map_float_keys_" ++ i2l(N), "flatmap", keys_src("I + 0.5", N)) || N <- [5, 32]] ++
    [e("map_list_keys_" ++ i2l(N), "flatmap", keys_src("integer_to_list(I)", N)) || N <- [5, 32]] ++
    [e("map_mixed_keys", "flatmap",
       "#{1 => a, 1.0 => b, a => c, <<\"b\">> => d, {t} => e, [l] => f, #{} => g, [] => h, {} => i}"),
     e("map_bignum_keys", "flatmap", "#{1 bsl 64 => a, 1 bsl 128 => b, -(1 bsl 70) => c}"),
     e("map_nested", "flatmap", "#{a => #{b => #{c => 1}}}"),
     e("map_map_values", "flatmap", "#{x => #{}, y => #{k => v}, z => #{1 => [1, 2]}}"),
     e("map_compound_values", "flatmap",
       "#{bin => list_to_binary(lists:seq(1, 100)), list => [1, 2, 3], tuple => {1, 2}, float => 2.5}")].

hamt_specs() ->
    [e("hamt_int_keys_" ++ i2l(N), "hamt", keys_src("I", N))
     || N <- [33, 34, 40, 50, 64, 65, 100, 200, 500, 1000, 5000]] ++
    [e("hamt_bin_keys_" ++ i2l(N), "hamt", keys_src("<<\"key\", I:32>>", N)) || N <- [33, 64, 100, 1000]] ++
    [e("hamt_tuple_keys_" ++ i2l(N), "hamt", keys_src("{I, I}", N)) || N <- [33, 100]] ++
    [e("hamt_float_keys_" ++ i2l(N), "hamt", keys_src("I + 0.5", N)) || N <- [33, 100]] ++
    [e("hamt_bignum_keys_" ++ i2l(N), "hamt", keys_src("(1 bsl 64) + I", N)) || N <- [33, 100]] ++
    [e("hamt_string_keys_" ++ i2l(N), "hamt", keys_src("integer_to_list(I)", N)) || N <- [33, 100]] ++
    [e("hamt_neg_int_keys_50", "hamt", keys_src("-I", 50)),
     e("hamt_mixed_keys_40", "hamt",
       "maps:from_list(lists:append([[{I, a}, {I + 0.5, b}, {<<I:16>>, c}, {{I}, d}] || I <- lists:seq(1, 10)]))"),
     e("hamt_mixed_keys_100", "hamt",
       "maps:from_list(lists:append([[{I, a}, {I + 0.5, b}, {<<I:16>>, c}, {{I}, d}, {[I], e}] || I <- lists:seq(1, 20)]))"),
     e("hamt_map_values_40", "hamt", "maps:from_list([{I, #{v => I}} || I <- lists:seq(1, 40)])"),
     e("hamt_int_keys_float_values_33", "hamt", "maps:from_list([{I, float(I)} || I <- lists:seq(1, 33)])"),
     e("hamt_nested_hamt_value", "hamt",
       "maps:from_list([{I, I} || I <- lists:seq(1, 33)] ++ [{inner, maps:from_list([{I, I} || I <- lists:seq(1, 40)])}])"),
     %% atom keys hash the atom-table index: layout depends on VM atom creation order
     {"hamt_atom_keys_40", "hamt", keys_src("list_to_atom(\"key\" ++ integer_to_list(I))", 40), eval, false}].

ext_pid_src() -> "binary_to_term(<<131, 88, 100, 0, 3, \"a@b\", 5:32, 0:32, 1:32>>)".
ext_port_src() -> "binary_to_term(<<131, 89, 100, 0, 3, \"a@b\", 7:32, 1:32>>)".
ext_port_v4_src() -> "binary_to_term(<<131, 120, 100, 0, 3, \"a@b\", 1099511627776:64, 1:32>>)".
ext_ref_src() -> "binary_to_term(<<131, 90, 0, 3, 100, 0, 3, \"a@b\", 1:32, 1:32, 2:32, 3:32>>)".

identifier_specs() ->
    [{"pid_local_self", "pid", "self()", eval, false},
     e("pid_external", "pid", ext_pid_src()),
     {"port_local", "port", "hd(erlang:ports())", eval, false},
     e("port_external", "port", ext_port_src()),
     e("port_external_v4", "port", ext_port_v4_src()),
     {"ref_make_ref", "reference", "make_ref()", eval, false},
     {"ref_monitor", "reference",
      "begin R = erlang:monitor(process, self()), erlang:demonitor(R), R end", eval, false},
     {"ref_alias", "reference", "begin A = alias(), unalias(A), A end", eval, false},
     e("ref_external", "reference", ext_ref_src()),
     {"tuple_with_local_pid_ref", "mixed", "{self(), make_ref(), hd(erlang:ports())}", eval, false}].

%% Funs must be created by compiled code (not erl_eval closures). Free variables come from
%% erl_eval at run time so the compiler cannot constant-fold them away.
fun_specs() ->
    [{"fun_no_free", "fun", "fun() -> ok end",
      fun() -> fun() -> ok end end, true},
     {"fun_arity_2_no_free", "fun", "fun(A, B) -> {A, B} end",
      fun() -> fun(A, B) -> {A, B} end end, true},
     {"fun_closure_1_small", "fun", "X = 42, fun() -> X end",
      fun() -> X = eval("42"), fun() -> X end end, true},
     {"fun_closure_3_smalls", "fun", "X = 1, Y = 2, Z = 3, fun() -> X + Y + Z end",
      fun() -> [X, Y, Z] = eval("[1, 2, 3]"), fun() -> X + Y + Z end end, true},
     {"fun_closure_tuple3", "fun", "T = {a, b, c}, fun() -> T end",
      fun() -> T = eval("{a, b, c}"), fun() -> T end end, true},
     {"fun_closure_list10", "fun", "L = lists:seq(1, 10), fun() -> L end",
      fun() -> L = eval("lists:seq(1, 10)"), fun() -> L end end, true},
     {"fun_closure_bin100", "fun", "B = list_to_binary(lists:seq(1, 100)), fun() -> B end",
      fun() -> B = eval("list_to_binary(lists:seq(1, 100))"), fun() -> B end end, true},
     {"fun_closure_map", "fun", "M = #{a => 1, b => [2]}, fun() -> M end",
      fun() -> M = eval("#{a => 1, b => [2]}"), fun() -> M end end, true},
     {"fun_closure_float_bignum", "fun", "F = 1.5, N = 1 bsl 64, fun() -> {F, N} end",
      fun() -> {F, N} = eval("{1.5, 1 bsl 64}"), fun() -> {F, N} end end, true},
     {"fun_external_lists_map", "fun", "fun lists:map/2",
      fun() -> fun lists:map/2 end, true},
     {"fun_external_erlang_self", "fun", "fun erlang:self/0",
      fun() -> fun erlang:self/0 end, true},
     {"fun_external_runtime", "fun", "erlang:make_fun(lists, reverse, 1)",
      fun() -> erlang:make_fun(eval("lists"), eval("reverse"), eval("1")) end, true},
     {"list_of_funs", "mixed", "[fun() -> ok end, fun lists:map/2]",
      fun() -> [fun() -> ok end, fun lists:map/2] end, true}].

mixed_specs() ->
    [e("record_like", "mixed", "{rec, <<\"hello\">>, [1, 2, 3], 1.0}"),
     e("record_like_nested", "mixed", "{person, <<\"Ada\">>, 36, {address, <<\"Main St\">>, 12}, [admin, dev]}"),
     e("http_request_map", "mixed",
       "#{method => <<\"GET\">>, path => <<\"/api/v1/users?id=42\">>, "
       "headers => [{<<\"host\">>, <<\"example.com\">>}, {<<\"accept\">>, <<\"*/*\">>}, "
       "{<<\"user-agent\">>, <<\"beamlab/0.1 (simulator; +https://example.com/beamlab)\">>}], "
       "body => <<>>, version => {1, 1}, peer => {{127, 0, 0, 1}, 54321}}"),
     e("gen_server_state", "mixed",
       "{state, [], #{count => 0, clients => [1, 2, 3], opts => [{timeout, 5000}]}, {[], []}, infinity, <<\"worker_1\">>}"),
     e("proplist", "mixed", "[{name, \"beamlab\"}, {version, {0, 1, 0}}, {debug, false}, verbose]"),
     e("json_like_doc", "mixed",
       "#{<<\"id\">> => 17, <<\"tags\">> => [<<\"a\">>, <<\"b\">>], <<\"score\">> => 0.75, "
       "<<\"owner\">> => #{<<\"name\">> => <<\"x\">>, <<\"active\">> => true}, <<\"data\">> => null}"),
     e("queue_10", "mixed", "queue:from_list(lists:seq(1, 10))"),
     e("gb_tree_10", "mixed", "gb_trees:from_orddict([{I, I * I} || I <- lists:seq(1, 10)])"),
     e("sets_v1_3", "mixed", "sets:from_list([1, 2, 3])"),
     e("ets_like_rows", "mixed", "[{I, <<I:64>>, [I], I * 1.5} || I <- lists:seq(1, 20)]"),
     e("error_tuple", "mixed", "{error, {badmatch, [1, 2]}, [{mod, fn, 2, [{file, \"mod.erl\"}, {line, 10}]}]}")].

%% Extra terms made for the term-order matrix.
order_extra_specs() ->
    [e("ord_tuple_1_2f", "tuple", "{1, 2.0}"),
     e("ord_tuple_1f_2", "tuple", "{1.0, 2}"),
     e("ord_tuple_1_2", "tuple", "{1, 2}"),
     e("ord_tuple_a_1", "tuple", "{a, 1}"),
     e("ord_tuple_b", "tuple", "{b}"),
     e("ord_list_1_2f", "list", "[1, 2.0]"),
     e("ord_list_1f_nested", "list", "[1.0, [2]]"),
     e("ord_list_1_nested_f", "list", "[1, [2.0]]"),
     e("ord_list_1", "list", "[1]"),
     e("ord_list_a", "list", "[a]"),
     e("ord_map_int1_a", "flatmap", "#{1 => a}"),
     e("ord_map_float1_a", "flatmap", "#{1.0 => a}"),
     e("ord_map_int1_b", "flatmap", "#{1 => b}"),
     e("ord_map_int1_af", "flatmap", "#{1 => 1.0}"),
     e("ord_map_int1_ai", "flatmap", "#{1 => 1}"),
     e("ord_map_int2_a", "flatmap", "#{2 => a}"),
     e("ord_map_a1", "flatmap", "#{a => 1}"),
     e("ord_map_a1_b2", "flatmap", "#{a => 1, b => 2}"),
     e("ord_map_a1_c2", "flatmap", "#{a => 1, c => 2}"),
     e("ord_map_b1", "flatmap", "#{b => 1}"),
     e("ord_bin_1", "binary", "<<1>>"),
     e("ord_bin_1_0", "binary", "<<1, 0>>"),
     e("ord_bin_2", "binary", "<<2>>"),
     e("ord_bits_1_3", "bitstring", "<<1:3>>"),
     e("ord_bits_1_1", "bitstring", "<<1:1>>"),
     e("ord_bits_128_9", "bitstring", "<<128, 0:1>>"),
     e("ord_str_abc", "string", "\"abc\""),
     e("ord_str_abd", "string", "\"abd\""),
     e("ord_str_ab", "string", "\"ab\""),
     e("ord_atom_a", "atom", "a"),
     e("ord_atom_b", "atom", "b"),
     e("ord_atom_aa", "atom", "aa"),
     e("ord_float_2", "float", "2.0"),
     e("ord_float_0_5", "float", "0.5"),
     e("ord_float_neg_1e300", "float", "-1.0e300"),
     e("ord_hamt_33_float_keys_int", "hamt", keys_src("float(I)", 33)),
     e("ord_hamt_33_int_keys_2_34", "hamt", "maps:from_list([{I, I} || I <- lists:seq(2, 34)])")].

%% ===================================================================
%% "order": pairwise Erlang term order
%% ===================================================================

order_ids() ->
    ["int_0", "int_1", "int_neg_1", "int_2", "int_42", "int_255", "int_256", "int_max_small",
     "int_min_small", "int_2pow27", "big_2pow59", "big_neg_2pow59_minus1", "big_2pow64_minus1",
     "big_2pow64", "big_neg_2pow64", "big_2pow128", "big_2pow1000", "big_neg_2pow1000",
     "big_fact_30", "big_2pow63",
     "float_0", "float_neg_0", "float_1", "float_neg_1", "float_1_5", "float_0_1",
     "float_1e300", "float_neg_2_5e_neg300", "float_min_subnormal", "float_max", "float_neg_max",
     "float_2pow59", "float_2pow64", "float_2pow53_plus1", "ord_float_2", "ord_float_0_5",
     "ord_float_neg_1e300",
     "atom_ok", "atom_empty", "atom_hello_world", "atom_quoted_upper", "atom_single_quote",
     "atom_unicode_latin1", "atom_unicode_cjk", "atom_emoji", "atom_true", "atom_false",
     "atom_undefined", "atom_nil", "atom_255_chars", "ord_atom_a", "ord_atom_b", "ord_atom_aa",
     "pid_external", "port_external", "port_external_v4", "ref_external",
     "fun_no_free", "fun_closure_1_small", "fun_closure_3_smalls", "fun_external_lists_map",
     "fun_external_erlang_self",
     "tuple_0", "tuple_1_atoms", "tuple_2_atoms", "tuple_3_atoms", "tuple_10_atoms",
     "tuple_3_smalls", "tuple_10_smalls", "tuple_nested", "tuple_of_floats", "tuple_of_empty_tuples",
     "ord_tuple_1_2f", "ord_tuple_1f_2", "ord_tuple_1_2", "ord_tuple_a_1", "ord_tuple_b",
     "record_like", "gen_server_state",
     "map_empty", "map_1_atom", "map_2_atoms", "map_5_atoms", "map_int_keys_1", "map_int_keys_2",
     "map_int_keys_5", "map_int_keys_32", "map_float_keys_5", "map_mixed_keys", "map_nested",
     "ord_map_int1_a", "ord_map_float1_a", "ord_map_int1_b", "ord_map_int1_af", "ord_map_int1_ai",
     "ord_map_int2_a", "ord_map_a1", "ord_map_a1_b2", "ord_map_a1_c2", "ord_map_b1",
     "hamt_int_keys_33", "hamt_int_keys_34", "hamt_int_keys_float_values_33",
     "ord_hamt_33_float_keys_int", "ord_hamt_33_int_keys_2_34", "hamt_bin_keys_33",
     "hamt_mixed_keys_40",
     "nil", "list_1_smalls", "list_2_smalls", "list_3_smalls", "list_10_smalls", "list_of_atoms",
     "list_of_nil", "list_nested", "list_bignums_floats", "ord_list_1_2f", "ord_list_1f_nested",
     "ord_list_1_nested_f", "ord_list_1", "ord_list_a",
     "string_hello", "string_a", "string_unicode_latin1", "string_unicode_cjk", "ord_str_abc",
     "ord_str_abd", "ord_str_ab",
     "improper_1_2", "improper_abc", "improper_tail_float", "improper_tail_binary",
     "bin_0_bytes", "bin_1_bytes", "bin_8_bytes", "bin_64_bytes", "bin_65_bytes", "bin_copy7_65",
     "bin_text", "bin_nonprintable", "ord_bin_1", "ord_bin_1_0", "ord_bin_2",
     "bits_1", "bits_1_1", "bits_0_3", "bits_abc_1_3", "bits_9", "ord_bits_1_3", "ord_bits_1_1",
     "ord_bits_128_9", "bits_520"].

order_section(Specs) ->
    Ids = order_ids(),
    ById = maps:from_list([{Id, S} || {Id, _, _, _, _} = S <- Specs]),
    Ts = [begin
              S = case ById of
                      #{Id := S0} -> S0;
                      _ -> error({order_id_missing, Id})
                  end,
              {_, _, _, _, true} = S,          % only deterministic terms
              canonical(S)
          end || Id <- Ids],
    length(lists:usort(Ids)) =:= length(Ids) orelse error(order_ids_not_unique),
    {Cmp, Exact} = pairs(Ts, [], []),
    [<<"{\n">>,
     <<"\"ids\": [\n">>, join([json_string(bin(Id)) || Id <- Ids], <<",\n">>), <<"\n],\n">>,
     kv(<<"compare">>, iolist_to_binary(Cmp)), <<",\n">>,
     kv(<<"exact_equal">>, iolist_to_binary(Exact)), <<"\n}">>].

pairs([], Cmp, Exact) ->
    {lists:reverse(Cmp), lists:reverse(Exact)};
pairs([A | Rest], Cmp0, Exact0) ->
    {Cmp, Exact} = lists:foldl(
                     fun(B, {C, E}) ->
                             Ch = if A < B -> $<; A == B -> $=; true -> $> end,
                             Eq = case A =:= B of true -> $1; false -> $0 end,
                             {[Ch | C], [Eq | E]}
                     end, {Cmp0, Exact0}, Rest),
    pairs(Rest, Cmp, Exact).

%% ===================================================================
%% "shared": terms with sharing, built with erl_eval from binding texts
%% ===================================================================

shared_specs() ->
    List10 = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]",
    Bin100 = lists:flatten(io_lib:format("~w", [list_to_binary(lists:seq(0, 99))])),
    Bin3 = "<<1, 2, 3>>",
    Hamt33 = lists:flatten(io_lib:format("~w", [maps:from_list([{I, I} || I <- lists:seq(1, 33)])])),
    Chain = fun(N) ->
                    Names = ["V" ++ i2l(I) || I <- lists:seq(1, N)],
                    [{"V0", "{a}"} |
                     [{Name, "{" ++ Prev ++ ", " ++ Prev ++ "}"}
                      || {Prev, Name} <- lists:zip(["V0" | lists:droplast(Names)], Names)]]
            end,
    [{"shared_list10_twice", [{"X", List10}], "{X, X}"},
     {"shared_list10_once", [{"X", List10}], "{X}"},
     {"shared_list10_identity", [{"X", List10}], "X"},
     {"shared_none_equal_literal", [{"X", "[1, 2]"}], "{X, [1, 2]}"},
     {"shared_tuple3_thrice", [{"X", "{a, b, c}"}], "[X, X, X]"},
     {"shared_bin100_twice", [{"X", Bin100}], "[X, X]"},
     {"shared_heap_bin3_twice", [{"X", Bin3}], "{X, X}"},
     {"shared_bitstring_twice", [{"X", "<<1:3>>"}], "{X, X}"},
     {"shared_chain_3", [{"X", "[1, 2, 3]"}, {"Y", "{X, X}"}, {"Z", "{Y, Y}"}, {"W", "{Z, Z}"}],
      "[W, W]"},
     {"shared_chain_16", Chain(16), "V16"},
     {"shared_map_values", [{"X", "[1, 2, 3]"}], "#{a => X, b => X, c => X}"},
     {"shared_map_key_and_value", [{"X", "{k, 1}"}], "#{X => X}"},
     {"shared_list_tail", [{"X", "[4, 5, 6]"}], "{[1, 2 | X], [3 | X]}"},
     {"shared_list_head_and_tail", [{"X", "[a]"}], "[X | X]"},
     {"shared_cons_chain", [{"X", "[1]"}, {"Y", "[X | X]"}, {"Z", "[Y | Y]"}], "{Z, Z}"},
     {"shared_float_thrice", [{"X", "1.5"}], "{X, X, X}"},
     {"shared_bignum_4", [{"X", "18446744073709551616"}], "[X, X, X, X]"},
     {"shared_string_twice", [{"X", "\"hello\""}], "{X, X}"},
     {"shared_nested_reuse", [{"X", "{1, 2}"}, {"Y", "[X, X]"}], "{Y, X}"},
     {"shared_flatmap_twice", [{"X", "#{a => 1, b => 2}"}], "[X, X]"},
     {"shared_hamt_twice", [{"X", Hamt33}], "{X, X}"},
     {"shared_empty_tuple", [{"X", "{}"}], "{X, X}"},
     {"shared_nil", [{"X", "[]"}], "{X, X}"},
     {"shared_two_vars", [{"X", "[1, 2]"}, {"Y", "{x, y}"}], "{X, Y, X, Y, [X | Y]}"},
     {"shared_bin_in_map_values", [{"X", Bin100}], "#{a => X, b => [X, X]}"},
     {"shared_tuple_in_list_100", [{"X", "{p, q}"}], lists:flatten(["[", lists:join(", ", lists:duplicate(100, "X")), "]"])}].

%% A binding text without variables is a plain literal: its value is canonicalised with
%% binary_to_term(term_to_binary(V)) before it is bound (erl_eval's own bit-syntax evaluator
%% builds binaries by appending, e.g. <<1,2,3>> comes out as a 6-word sub-binary of a
%% writable refc binary instead of a 3-word heap binary). Texts that use variables (and the
%% body) may only build tuples/lists/maps around them, never binaries, so every node they
%% add has its canonical layout and every variable occurrence is the same heap object.
measure_shared({Id, Bindings, Body}) ->
    Bs = lists:foldl(fun({Var, Text}, Acc) ->
                             V = case has_vars(Text) of
                                     false ->
                                         binary_to_term(term_to_binary(eval(Text, Acc)));
                                     true ->
                                         no_bitsyntax(Id, Text),
                                         eval(Text, Acc)
                                 end,
                             erl_eval:add_binding(list_to_atom(Var), V, Acc)
                     end, erl_eval:new_bindings(), Bindings),
    no_bitsyntax(Id, Body),
    T = eval(Body, Bs),
    obj([{<<"id">>, bin(Id)},
         {<<"bindings">>, [[bin(Var), bin(Text)] || {Var, Text} <- Bindings]},
         {<<"body">>, bin(Body)},
         {<<"flat_size">>, erts_debug:flat_size(T)},
         {<<"size">>, erts_debug:size(T)}]).

tokens(Text) ->
    {ok, Toks, _} = erl_scan:string(Text),
    Toks.

has_vars(Text) ->
    lists:any(fun(Tok) -> element(1, Tok) =:= var end, tokens(Text)).

no_bitsyntax(Id, Text) ->
    lists:any(fun(Tok) -> element(1, Tok) =:= '<<' end, tokens(Text))
        andalso error({binary_built_next_to_variables, Id, Text}).

%% ===================================================================
%% "constructed": sub-binaries made by operations on a runtime parent
%% ===================================================================

%% {Op, ParentKind, Args}
constructed_specs() ->
    [{binary_part, p1000, [10, L]} || L <- [0, 1, 10, 20, 24, 25, 64, 65, 100, 900]] ++
    [{binary_part, p1000, [0, 1000]}] ++
    [{binary_part, p60, [5, L]} || L <- [0, 1, 10, 20, 24, 25, 50]] ++
    [{binary_part, p60, [0, 60]}] ++
    [{match_binary, p1000, [10, L]} || L <- [0, 10, 20, 24, 25, 64, 65, 100]] ++
    [{match_binary, p60, [5, L]} || L <- [10, 20, 25, 50]] ++
    [{match_rest, p1000, [S]} || S <- [10, 900, 935, 936, 976, 977]] ++
    [{match_rest, p60, [S]} || S <- [10, 36, 40]] ++
    [{split_binary, p1000, [P, E]} || P <- [100, 990], E <- [1, 2]] ++
    [{split_binary, p60, [P, E]} || P <- [20], E <- [1, 2]] ++
    [{match_bits, p1000, A} || A <- [[3, 9], [3, 16], [3, 520], [0, 7], [8, 16], [3, 200]]] ++
    [{match_bits, p60, A} || A <- [[3, 9], [3, 16], [3, 200]]] ++
    [{binary_copy, p1000, [10, 100]}, {binary_copy, p1000, [10, 20]}, {binary_copy, p60, [10, 20]}] ++
    [{binary_split, p1000, [0, E]} || E <- [1, 2]] ++
    [{binary_split, p60, [20, E]} || E <- [1, 2]] ++
    [{append_byte, p1000, [1]}, {append_byte, p60, [1]}, {append_byte, p60, [5]}].

parent_text(p1000) -> <<"<<0:8000>>">>;
parent_text(p60) -> unicode:characters_to_binary(io_lib:format("~w", [p60_value()])).

%% Built at run time inside the measuring process (never a literal).
make_parent(p1000) -> binary:copy(<<0>>, 1000);
make_parent(p60) -> p60_value().

p60_value() -> list_to_binary(lists:seq(1, 60)).

constructed_id(Op, PK, Args) ->
    bin(lists:flatten([atom_to_list(Op), "_", atom_to_list(PK),
                       [["_", i2l(A)] || A <- Args]])).

measure_constructed({Op, PK, Args} = Spec) ->
    Self = self(),
    Tag = make_ref(),
    {Pid, MRef} = spawn_opt(fun() -> Self ! {Tag, construct(Spec)} end,
                            [monitor, {min_heap_size, 100000}]),
    R = receive
            {Tag, Res} -> Res;
            {'DOWN', MRef, process, Pid, Reason} -> error({constructed_failed, Spec, Reason})
        end,
    erlang:demonitor(MRef, [flush]),
    {FS, Sz, TT, FS2, TT2} = R,
    obj([{<<"id">>, constructed_id(Op, PK, Args)},
         {<<"op">>, atom_to_binary(Op, utf8)},
         {<<"parent">>, parent_text(PK)},
         {<<"args">>, Args},
         {<<"flat_size">>, FS},
         {<<"size">>, Sz},
         {<<"term_type">>, atom_to_binary(TT, utf8)},
         {<<"flat_size_after_gc">>, FS2},
         {<<"term_type_after_gc">>, atom_to_binary(TT2, utf8)}]).

construct({Op, PK, Args}) ->
    Parent = make_parent(PK),
    {0, 0} = gc_count(),
    S = do_op(Op, Parent, Args),
    FS = erts_debug:flat_size(S),
    Sz = erts_debug:size(S),
    TT = erts_internal:term_type(S),
    %% no GC so far: no minor GC counted and no high-water mark set yet
    {0, 0} =:= gc_count() orelse error({unexpected_gc_before_measure, Op, Args}),
    true = erlang:garbage_collect(),
    FS2 = erts_debug:flat_size(S),
    TT2 = erts_internal:term_type(S),
    {FS, Sz, TT, FS2, TT2}.

gc_count() ->
    {garbage_collection, Info} = process_info(self(), garbage_collection),
    {garbage_collection_info, GcInfo} = process_info(self(), garbage_collection_info),
    {proplists:get_value(minor_gcs, Info), proplists:get_value(recent_size, GcInfo)}.

do_op(binary_part, P, [Pos, Len]) -> binary:part(P, Pos, Len);
do_op(match_binary, P, [Skip, Len]) -> match_binary(P, Skip, Len);
do_op(match_rest, P, [Skip]) -> match_rest(P, Skip);
do_op(split_binary, P, [Pos, E]) -> element(E, split_binary(P, Pos));
do_op(match_bits, P, [SkipBits, LenBits]) -> match_bits(P, SkipBits, LenBits);
do_op(binary_copy, P, [Pos, Len]) -> binary:copy(binary:part(P, Pos, Len));
do_op(binary_split, P, [SepByte, E]) -> lists:nth(E, binary:split(P, <<SepByte>>));
do_op(append_byte, P, [N]) -> append_bytes(P, N).

append_bytes(P, 0) -> P;
append_bytes(P, N) -> append_bytes(<<P/binary, N>>, N - 1).

match_binary(P, Skip, Len) ->
    <<_:Skip/binary, S:Len/binary, _/binary>> = P,
    S.

match_rest(P, Skip) ->
    <<_:Skip/binary, Rest/binary>> = P,
    Rest.

match_bits(P, SkipBits, LenBits) ->
    <<_:SkipBits, S:LenBits/bitstring, _/bitstring>> = P,
    S.

%% ===================================================================
%% erl_eval helpers
%% ===================================================================

eval(Src) -> eval(Src, erl_eval:new_bindings()).

eval(Src, Bindings) ->
    {ok, Toks, _} = erl_scan:string(Src ++ "."),
    {ok, Exprs} = erl_parse:parse_exprs(Toks),
    {value, V, _} = erl_eval:exprs(Exprs, Bindings),
    V.

%% ===================================================================
%% minimal JSON encoder (output is UTF-8)
%% ===================================================================

bin(B) when is_binary(B) -> B;
bin(L) when is_list(L) -> unicode:characters_to_binary(L).

kv(K, V) -> [json_string(K), <<": ">>, json(V)].

obj(KVs) -> [${, join([kv(K, V) || {K, V} <- KVs], <<", ">>), $}].

array_section(Name, Items) ->
    [json_string(Name), <<": [\n">>, join(Items, <<",\n">>), <<"\n]">>].

json(null) -> <<"null">>;
json(true) -> <<"true">>;
json(false) -> <<"false">>;
json(I) when is_integer(I) -> integer_to_binary(I);
json(B) when is_binary(B) -> json_string(B);
json(L) when is_list(L) -> [$[, join([json(X) || X <- L], <<", ">>), $]].

json_string(B) when is_binary(B) ->
    case binary:match(B, escape_patterns()) of
        nomatch -> [$", B, $"];
        _ -> [$", << <<(esc(C))/binary>> || <<C>> <= B >>, $"]
    end.

escape_patterns() -> [<<C>> || C <- [$", $\\ | lists:seq(0, 31)]].

esc($") -> <<"\\\"">>;
esc($\\) -> <<"\\\\">>;
esc($\n) -> <<"\\n">>;
esc($\r) -> <<"\\r">>;
esc($\t) -> <<"\\t">>;
esc($\b) -> <<"\\b">>;
esc($\f) -> <<"\\f">>;
esc(C) when C < 32 -> iolist_to_binary(io_lib:format("\\u~4.16.0b", [C]));
esc(C) -> <<C>>.

join([], _Sep) -> [];
join([H | T], Sep) -> [H | [[Sep, X] || X <- T]].
