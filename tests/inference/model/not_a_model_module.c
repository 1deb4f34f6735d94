/* A shared library that is not a docent model module: the loader must say so. */
int docent_unrelated_function(void) { return 42; }
