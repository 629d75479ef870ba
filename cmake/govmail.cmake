# Flags shared by every govmail target, and helpers that keep each folder's CMakeLists short.
add_library(govmail_flags INTERFACE)
target_compile_options(govmail_flags INTERFACE -Wall -Wextra -Wpedantic -Werror=return-type
                                               -Wno-missing-field-initializers)
target_include_directories(govmail_flags INTERFACE ${PROJECT_SOURCE_DIR})
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 reports Asio's coroutine frame allocator as mismatched new/delete (GCC bug 109224).
    target_compile_options(govmail_flags INTERFACE -Wno-mismatched-new-delete)
endif()
# Asio is compiled once (core/net/asio_impl.cpp) rather than in every translation unit.
target_compile_definitions(govmail_flags INTERFACE BOOST_ASIO_SEPARATE_COMPILATION
                                                   BOOST_ASIO_NO_DEPRECATED
                                                   BOOST_ASIO_DISABLE_BOOST_COROUTINE)
if(GOVMAIL_WERROR)
    target_compile_options(govmail_flags INTERFACE -Werror)
endif()
if(GOVMAIL_SANITIZE)
    set(sanitize_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                       -fno-sanitize-recover=undefined)
    target_compile_options(govmail_flags INTERFACE ${sanitize_flags})
    target_link_options(govmail_flags INTERFACE ${sanitize_flags})
    target_compile_definitions(govmail_flags INTERFACE GOVMAIL_SANITIZE=1)
endif()

if(GOVMAIL_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "GOVMAIL_FUZZ needs clang (libFuzzer): CXX=clang++ cmake ...")
    endif()
    # -fno-sanitize=function: clang 14 cannot emit its checks for coroutine frames
    # ("Cannot represent a difference across sections").
    set(fuzz_flags -fsanitize=address,undefined -fno-sanitize=function -fno-omit-frame-pointer)
    target_compile_options(govmail_flags INTERFACE ${fuzz_flags} -fsanitize=fuzzer-no-link)
    target_link_options(govmail_flags INTERFACE ${fuzz_flags})
endif()

# govmail_library(NAME SOURCES... [DEPS targets...])
# One static library per folder: govmail_<NAME>, namespace govmail::<NAME>.
function(govmail_library name)
    cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
    add_library(govmail_${name} STATIC ${arg_SOURCES})
    target_link_libraries(govmail_${name} PUBLIC govmail_flags ${arg_DEPS})
endfunction()

# govmail_test(NAME LABEL SOURCES... DEPS...): one gtest binary registered with ctest.
function(govmail_test name)
    cmake_parse_arguments(arg "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
    add_executable(${name} ${arg_SOURCES})
    target_link_libraries(${name} PRIVATE govmail_flags govmail_test_support ${arg_DEPS}
                                          GTest::gtest_main GTest::gmock)
    if(NOT arg_TIMEOUT)
        set(arg_TIMEOUT 300)
    endif()
    add_test(NAME ${name} COMMAND ${name} --gtest_brief=1
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(${name} PROPERTIES LABELS "${arg_LABEL}" TIMEOUT ${arg_TIMEOUT}
        ENVIRONMENT "GOVMAIL_BIN_DIR=${CMAKE_BINARY_DIR}/bin;GOVMAIL_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# govmail_fuzzer(NAME SOURCE DEPS...): a libFuzzer target (GOVMAIL_FUZZ builds) and, in every
# test build, a replay test that runs the same entry point over the committed seed corpus and
# every past crash (tests/fuzz/corpus/NAME, tests/fuzz/regressions/NAME): a crash found once stays
# a regression test.
function(govmail_fuzzer name source)
    cmake_parse_arguments(arg "" "" "DEPS" ${ARGN})
    if(GOVMAIL_FUZZ)
        add_executable(${name} ${source})
        target_link_libraries(${name} PRIVATE govmail_flags ${arg_DEPS})
        target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    endif()
    if(GOVMAIL_TESTS)
        add_executable(${name}_replay ${source} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
        target_link_libraries(${name}_replay PRIVATE govmail_flags ${arg_DEPS})
        add_test(NAME ${name}_replay
                 COMMAND ${name}_replay ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name}
                         ${PROJECT_SOURCE_DIR}/tests/fuzz/regressions/${name})
        set_tests_properties(${name}_replay PROPERTIES LABELS "fuzz" TIMEOUT 300)
    endif()
endfunction()
