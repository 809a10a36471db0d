"""recloop.mechanisms"""
