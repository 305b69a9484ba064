# One fuzz target, briefly, over its committed corpus (see CMakeLists.txt).
# Inputs: FUZZER, CORPUS, SCRATCH, ARGS. libFuzzer adds what it finds to the
# first folder it is given: a fresh scratch folder, not the corpus.
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH}/new ${SCRATCH}/artifacts)
execute_process(COMMAND ${FUZZER} ${ARGS} -artifact_prefix=${SCRATCH}/artifacts/
                        ${SCRATCH}/new ${CORPUS}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${rc}); reproducer in ${SCRATCH}/artifacts")
endif()
