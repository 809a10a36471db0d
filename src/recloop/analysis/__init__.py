"""recloop.analysis"""
