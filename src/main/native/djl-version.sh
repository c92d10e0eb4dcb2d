# The DJL version in the pom and the commit its release was tagged at (v0.36.0): the JNI is built
# from exactly this source. Sourced by the scripts beside it.
DJL_VERSION=0.36.0
DJL_COMMIT=1a7265a7c98542027f168bda90969f6e0e567c5f
